"""scripts/enable-streams.sh turns on NEW_AND_OLD_IMAGES streams idempotently and refuses to replace others."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import boto3
import enable_streams
import pytest

REPO = Path(__file__).resolve().parents[2]


def _table(name: str, view_type: str | None = None) -> None:
    spec = {"StreamEnabled": True, "StreamViewType": view_type} if view_type else {"StreamEnabled": False}
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification=spec,  # type: ignore[arg-type]
    )


def _spec(name: str) -> dict[str, object]:
    table = boto3.client("dynamodb").describe_table(TableName=name)["Table"]
    return {"spec": table.get("StreamSpecification", {}), "arn": table.get("LatestStreamArn")}


def _ensure(name: str, **options: object) -> str | None:
    lines: list[str] = []
    arn = enable_streams.ensure_stream(
        boto3.client("dynamodb"),
        boto3.client("dynamodbstreams"),
        name,
        interval=0.01,
        sleep=lambda _: None,
        log=lines.append,
        **options,  # type: ignore[arg-type]
    )
    return arn


def test_enables_new_and_old_images_and_waits_for_an_enabled_stream(aws_env: str) -> None:
    _table("calls")

    arn = _ensure("calls")

    assert _spec("calls")["spec"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert arn == _spec("calls")["arn"]
    status = boto3.client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"][
        "StreamStatus"
    ]
    assert status == "ENABLED"


def test_running_again_changes_nothing(aws_env: str) -> None:
    _table("calls", "NEW_AND_OLD_IMAGES")
    before = _spec("calls")

    arn = _ensure("calls")

    assert _spec("calls") == before
    assert arn == before["arn"]


def test_refuses_to_replace_another_view_type_without_force(aws_env: str) -> None:
    _table("scorecards", "KEYS_ONLY")
    before = _spec("scorecards")

    with pytest.raises(enable_streams.StreamSetupError, match=r"already streams KEYS_ONLY.*--force"):
        _ensure("scorecards")

    assert _spec("scorecards") == before


class _FakeDynamoDB:
    """A table's stream as DynamoDB manages it: disabling removes it, enabling creates one with a new ARN.
    (moto cannot re-enable a stream on a table that had one, so the replacement is checked on this fake.)"""

    def __init__(self, view_type: str) -> None:
        self.spec: dict[str, object] = {"StreamEnabled": True, "StreamViewType": view_type}
        self.generation = 1
        self.calls: list[dict[str, object]] = []
        self.meta = type("Meta", (), {"region_name": "us-east-1"})()

    def describe_table(self, TableName: str) -> dict[str, object]:
        table: dict[str, object] = {"TableStatus": "ACTIVE", "StreamSpecification": dict(self.spec)}
        if self.spec.get("StreamEnabled"):
            table["LatestStreamArn"] = (
                f"arn:aws:dynamodb:us-east-1:1:table/{TableName}/stream/{self.generation}"
            )
        return {"Table": table}

    def update_table(self, TableName: str, StreamSpecification: dict[str, object]) -> None:
        self.calls.append(dict(StreamSpecification))
        if StreamSpecification.get("StreamEnabled") and self.spec.get("StreamEnabled"):
            raise AssertionError("DynamoDB refuses to enable a stream while one is enabled")
        self.spec = dict(StreamSpecification)
        if StreamSpecification.get("StreamEnabled"):
            self.generation += 1


class _FakeStreams:
    def describe_stream(self, StreamArn: str) -> dict[str, object]:
        return {"StreamDescription": {"StreamStatus": "ENABLED", "StreamArn": StreamArn}}


def test_force_disables_the_old_stream_then_enables_new_and_old_images() -> None:
    dynamodb = _FakeDynamoDB("NEW_IMAGE")
    lines: list[str] = []

    arn = enable_streams.ensure_stream(
        dynamodb,  # type: ignore[arg-type]
        _FakeStreams(),  # type: ignore[arg-type]
        "scorecards",
        force=True,
        interval=0.01,
        sleep=lambda _: None,
        log=lines.append,
    )

    assert dynamodb.calls == [
        {"StreamEnabled": False},
        {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    ]
    assert arn == "arn:aws:dynamodb:us-east-1:1:table/scorecards/stream/2"
    assert lines[0] == "scorecards: replacing its NEW_IMAGE stream with NEW_AND_OLD_IMAGES (--force)"


def test_dry_run_changes_nothing(aws_env: str) -> None:
    _table("calls")

    _ensure("calls", dry_run=True)

    assert _spec("calls")["arn"] is None


def test_missing_table_says_which_and_where(aws_env: str) -> None:
    with pytest.raises(enable_streams.StreamSetupError, match=r"table 'nope' does not exist in us-east-1"):
        _ensure("nope")


def test_waiting_gives_up_with_a_message() -> None:
    with pytest.raises(enable_streams.StreamSetupError, match="gave up after 1 s waiting for the stream"):
        enable_streams.wait_for("the stream", lambda: False, timeout=1, interval=0.5, sleep=lambda _: None)


def test_table_names_come_from_arguments_then_environment_then_tfvars_then_defaults(tmp_path: Path) -> None:
    tfvars = tmp_path / "terraform.tfvars"
    tfvars.write_text('calls_table_name = "prod-calls"\nscorecards_table_name   =   "prod-scorecards"\n')

    assert enable_streams.resolve_table_names(None, None, {}, tmp_path / "missing") == {
        "calls": "calls",
        "scorecards": "scorecards",
    }
    assert enable_streams.resolve_table_names(None, None, {}, tfvars) == {
        "calls": "prod-calls",
        "scorecards": "prod-scorecards",
    }
    assert enable_streams.resolve_table_names(None, None, {"CALLS_TABLE_NAME": "env-calls"}, tfvars) == {
        "calls": "env-calls",
        "scorecards": "prod-scorecards",
    }
    assert enable_streams.resolve_table_names("arg-calls", None, {"CALLS_TABLE_NAME": "env"}, tfvars)[
        "calls"
    ] == ("arg-calls")


def test_script_enables_both_tables_and_says_what_it_did(aws_env: str) -> None:
    _table("team-calls")
    _table("team-scorecards", "NEW_AND_OLD_IMAGES")

    result = subprocess.run(
        [
            "bash",
            str(REPO / "scripts" / "enable-streams.sh"),
            "--calls-table",
            "team-calls",
            "--scorecards-table",
            "team-scorecards",
            "--timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "team-calls: enabling its stream with NEW_AND_OLD_IMAGES" in result.stdout
    assert "team-calls: stream ENABLED" in result.stdout
    assert "team-scorecards: stream already enabled with NEW_AND_OLD_IMAGES" in result.stdout
    assert "Next: bash lambdas/build.sh" in result.stdout
    assert _spec("team-calls")["spec"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_script_refusal_exits_non_zero_with_the_reason(aws_env: str) -> None:
    _table("calls", "OLD_IMAGE")
    _table("scorecards")

    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "enable-streams.sh")],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.endswith("_TABLE_NAME")},
        timeout=120,
        check=False,
    )

    assert result.returncode == 2
    assert "calls already streams OLD_IMAGE" in result.stderr
    assert "--force" in result.stderr
