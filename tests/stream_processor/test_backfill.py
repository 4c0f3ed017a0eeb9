"""Backfill: parallel Scan with per-segment checkpoints (moto), and DynamoDB exports (local and S3)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from lambdas.stream_processor import backfill
from lambdas.stream_processor.backfill import BackfillError, from_export, scan_table
from lambdas.stream_processor.lake import Lake
from orchestration.paths import data_paths
from orchestration.synthetic.feed import GenerateOptions, generate


def lake_rows(lake: Lake, table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = lake.read_tables(table).to_pylist()
    return rows


def make_table(items: int) -> Any:
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName="calls",
        KeySchema=[{"AttributeName": "call_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "call_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table = boto3.resource("dynamodb").Table("calls")
    with table.batch_writer() as batch:
        for n in range(items):
            batch.put_item(Item={"call_id": f"call-{n:04d}", "duration_ms": n, "queue": "Billing"})
    return dynamodb


@pytest.mark.usefixtures("aws_env")
def test_parallel_scan_writes_every_item_once_as_snapshot_events(tmp_path: Path) -> None:
    dynamodb = make_table(250)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    result = scan_table(
        "calls",
        "calls",
        lake,
        segments=3,
        page_size=40,
        dynamodb=dynamodb,
        checkpoint_path=tmp_path / "cp" / "calls.json",
        progress=False,
    )
    rows = lake_rows(lake, "calls")
    assert result.items == 250 == len(rows)
    assert sorted(json.loads(r["keys"])["call_id"] for r in rows) == [f"call-{n:04d}" for n in range(250)]
    assert {(r["event_name"], r["event_source"], r["sequence_number"]) for r in rows} == {
        ("SNAPSHOT", "backfill", "0" * 40)
    }
    assert len({r["event_id"] for r in rows}) == 250
    assert {f.split("-seg")[1][:3] for f in lake.list_files("calls")} == {"000", "001", "002"}
    assert json.loads((tmp_path / "cp" / "calls.json").read_text())["complete"] is True


@pytest.mark.usefixtures("aws_env")
def test_an_interrupted_scan_resumes_from_its_checkpoint_without_duplicates(tmp_path: Path) -> None:
    dynamodb = make_table(300)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    checkpoint = tmp_path / "calls.json"
    with pytest.raises(BackfillError, match=r"interrupted after \d+ pages; run again to resume"):
        scan_table(
            "calls",
            "calls",
            lake,
            segments=2,
            page_size=50,
            dynamodb=dynamodb,
            checkpoint_path=checkpoint,
            progress=False,
            stop_after_pages=3,
        )
    saved = json.loads(checkpoint.read_text())
    assert saved["complete"] is False
    assert sum(s["page"] for s in saved["segments"].values()) >= 3
    partial = len(lake_rows(lake, "calls"))
    assert 0 < partial < 300

    result = scan_table(
        "calls",
        "calls",
        lake,
        segments=2,
        page_size=50,
        dynamodb=dynamodb,
        checkpoint_path=checkpoint,
        progress=False,
    )
    assert result.run_id == saved["run_id"]  # the same run continues
    rows = lake_rows(lake, "calls")
    assert len(rows) == 300 and len({r["keys"] for r in rows}) == 300


@pytest.mark.usefixtures("aws_env")
def test_a_checkpoint_from_another_segment_count_is_refused(tmp_path: Path) -> None:
    dynamodb = make_table(20)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    checkpoint = tmp_path / "calls.json"
    with pytest.raises(BackfillError):
        scan_table(
            "calls",
            "calls",
            lake,
            segments=2,
            page_size=5,
            dynamodb=dynamodb,
            checkpoint_path=checkpoint,
            progress=False,
            stop_after_pages=1,
        )
    with pytest.raises(BackfillError, match="made with 2 segments"):
        scan_table(
            "calls", "calls", lake, segments=4, dynamodb=dynamodb, checkpoint_path=checkpoint, progress=False
        )


@pytest.mark.usefixtures("aws_env")
def test_a_missing_table_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackfillError, match="table 'nope' not found"):
        scan_table(
            "nope",
            "calls",
            Lake.from_uri(str(tmp_path)),
            segments=1,
            checkpoint_path=tmp_path / "c.json",
            progress=False,
        )


def test_backfill_from_the_generators_export_matches_its_final_state(tmp_path: Path) -> None:
    paths = data_paths(tmp_path / "data")
    summary = generate(
        paths,
        GenerateOptions(
            calls=200, days=10, seed=3, end_date=date(2026, 3, 1), transcripts=False, progress=False
        ),
    )
    lake = Lake.from_uri(str(tmp_path / "lake"))
    read_at = datetime(2026, 3, 2, tzinfo=UTC)
    result = from_export(
        str(paths.export / "calls"), "calls", lake, key_names=["call_id"], progress=False, read_at=read_at
    )
    assert result.items == summary.final_items["calls"] == len(lake_rows(lake, "calls"))
    assert lake.list_files("calls") == [
        "calls/dt=2026-03-02/backfill-calls-export-20260302T000000-segexport00000-000000.parquet"
    ]


@pytest.mark.usefixtures("aws_env")
def test_backfill_from_an_s3_export_reads_its_manifest_and_quarantines_bad_items(tmp_path: Path) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="exports")
    s3.create_bucket(Bucket="analytics")
    prefix = "AWSDynamoDB/01700000000000-abcd1234"
    lines = [
        {"Item": {"evaluation_id": {"S": f"e{n}"}, "score": {"M": {"percentage": {"N": str(50 + n)}}}}}
        for n in range(5)
    ]
    lines.append({"Item": {"score": {"N": "1"}}})  # no key attribute
    body = gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode())
    s3.put_object(Bucket="exports", Key=f"{prefix}/data/abc.json.gz", Body=body)
    s3.put_object(
        Bucket="exports",
        Key=f"{prefix}/manifest-files.json",
        Body=json.dumps({"itemCount": 6, "dataFileS3Key": f"{prefix}/data/abc.json.gz"}) + "\n",
    )
    s3.put_object(
        Bucket="exports",
        Key=f"{prefix}/manifest-summary.json",
        Body=json.dumps({"exportTime": "2026-02-01T10:00:00.000Z", "itemCount": 6}),
    )

    lake = Lake.from_uri("s3://analytics")
    result = from_export(
        f"s3://exports/{prefix}/", "scorecards", lake, key_names=["evaluation_id"], progress=False
    )
    assert (result.items, result.quarantined) == (5, 1)
    rows = lake_rows(lake, "scorecards")
    assert sorted(json.loads(r["new_image"])["score"]["percentage"] for r in rows) == [50, 51, 52, 53, 54]
    assert {r["event_at"] for r in rows} == {datetime(2026, 2, 1, 10, 0)}
    quarantined = lake.list_files("quarantine")
    assert len(quarantined) == 1
    assert "has no key attribute 'evaluation_id'" in lake.read_bytes(quarantined[0]).decode()


def test_the_command_line_explains_a_missing_lake(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PCA_LAKE_URI", raising=False)
    monkeypatch.delenv("ANALYTICS_BUCKET", raising=False)
    monkeypatch.setattr(backfill, "REPO_ROOT", tmp_path)  # no applied terraform here
    assert backfill.main(["--table", "calls", "--quiet"]) == 2
    assert "where is the lake?" in capsys.readouterr().err


def test_a_large_export_file_is_streamed_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = data_paths(tmp_path / "data")
    summary = generate(
        paths,
        GenerateOptions(
            calls=300, days=5, seed=4, end_date=date(2026, 3, 1), transcripts=False, progress=False
        ),
    )
    monkeypatch.setattr(backfill, "EXPORT_CHUNK_ITEMS", 100)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    result = from_export(str(paths.export / "calls"), "calls", lake, key_names=["call_id"], progress=False)
    expected = summary.final_items["calls"]
    assert result.items == expected == len(lake_rows(lake, "calls"))
    assert result.files == len(lake.list_files("calls")) == -(-expected // 100)
