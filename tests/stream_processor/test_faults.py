"""Nothing is lost: every record ends in Parquet, in quarantine, or in the range Lambda retries.

Regression tests for each case found by fault injection, then a property test over any batch and any set of
failing writes.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdas.stream_processor import handler
from lambdas.stream_processor.changelog import UnreportableFailure
from lambdas.stream_processor.handler import InvalidEventError, process_event
from lambdas.stream_processor.lake import Lake, LakeWriteError, Written

from .helpers import image, record
from .test_handler import Context, read_lake

DAY1 = 1_767_225_600  # 2026-01-01
DAY2 = DAY1 + 86_400


@dataclass(frozen=True)
class FailingLake(Lake):
    """A local lake whose writes fail for keys starting with any of ``failing`` (a simulated S3 outage)."""

    failing: tuple[str, ...] = ()

    def write_bytes(self, relative: str, data: bytes) -> Written:
        if relative.startswith(self.failing):
            raise LakeWriteError(f"could not write {relative}: simulated S3 outage")
        return super().write_bytes(relative, data)


def failing_lake(root: Path, *failing: str) -> FailingLake:
    return FailingLake(str(root), str(root.resolve()), failing=failing)


def quarantine_lines(root: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(root.rglob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def without_sequence(sequence: int, **kwargs: Any) -> dict[str, Any]:
    built = record(sequence, new=image(f"c{sequence}", n={"N": "bad"}), **kwargs)
    del built["dynamodb"]["SequenceNumber"]
    return built


# ── Regression tests ───────────────────────────────────────────────────────────────────────────────────────


def test_a_failed_quarantine_write_whose_first_record_has_no_sequence_fails_the_whole_batch(
    tmp_path: Path,
) -> None:
    event = {"Records": [without_sequence(1), record(2, new=image("c2"))]}

    with pytest.raises(UnreportableFailure, match="position 0"):
        process_event(event, failing_lake(tmp_path, "quarantine/"))


def test_with_a_day_and_the_quarantine_failing_no_well_formed_record_is_lost(tmp_path: Path) -> None:
    good = [record(n, new=image(f"c{n}"), at=DAY1 if n % 2 else DAY2) for n in range(10, 310)]
    event = {"Records": [without_sequence(1), *good]}

    with pytest.raises(UnreportableFailure):  # the earliest unwritten record cannot be named: retry it all
        process_event(event, failing_lake(tmp_path, "quarantine/", "calls/dt=2026-01-02"))


def test_a_failed_day_before_an_unnamed_quarantined_record_reports_the_days_first_record(
    tmp_path: Path,
) -> None:
    event = {
        "Records": [record(10, new=image("a"), at=DAY2), without_sequence(1), record(30, new=image("c"))]
    }

    response = process_event(event, failing_lake(tmp_path, "quarantine/", "calls/dt=2026-01-02"))

    assert response == {"batchItemFailures": [{"itemIdentifier": "10"}]}


def test_quarantine_objects_are_named_by_content_so_two_batches_never_collide(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path))
    first = {"Records": [without_sequence(1, key="a"), record(2, new=image("c2"))]}
    second = {"Records": [without_sequence(1, key="b"), record(3, new=image("c3"))]}

    process_event(first, lake)
    process_event(second, lake)
    process_event(second, lake)  # a retried batch overwrites its own object

    objects = sorted(tmp_path.rglob("*.jsonl"))
    assert len(objects) == 2
    assert sorted(
        line["record"]["dynamodb"]["Keys"]["call_id"]["S"] for line in quarantine_lines(tmp_path)
    ) == [
        "a",
        "b",
    ]


def test_an_event_id_with_a_lone_surrogate_is_quarantined_and_the_batch_goes_on(tmp_path: Path) -> None:
    poison = record(2, new=image("c2"))
    poison["eventID"] = "ev-\ud800"
    event = {"Records": [record(1, new=image()), poison, record(3, new=image("c3"))]}

    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    assert [r["sequence_number"][-1] for r in read_lake(tmp_path)] == ["1", "3"]
    (line,) = quarantine_lines(tmp_path)
    assert line["error"] == "eventID 'ev-\\ud800' is not valid UTF-8 text"
    assert line["record"] == poison


@pytest.mark.parametrize(
    ("entry", "kind"), [({}, None), ([1, 2], "an array"), (None, "null"), ("text", "a string"), (7, "int")]
)
def test_a_dict_list_or_null_inside_records_is_quarantined_with_a_reason(
    tmp_path: Path, entry: Any, kind: str | None
) -> None:
    event = {"Records": [entry, record(2, new=image("c2"))]}

    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    assert len(read_lake(tmp_path)) == 1
    (line,) = quarantine_lines(tmp_path)
    assert line["record"] == entry and line["table"] == "unknown"
    expected = (
        "eventSourceARN is missing or not a string" if kind is None else f"not a JSON object (got {kind})"
    )
    assert expected in line["error"]


def test_a_number_outside_dynamodbs_range_is_quarantined(tmp_path: Path) -> None:
    event = {
        "Records": [record(1, new=image(n={"N": "1e400"})), record(2, new=image("c2", n={"N": "1e125"}))]
    }

    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    assert [json.loads(r["new_image"])["n"] for r in read_lake(tmp_path)] == [1e125]
    (line,) = quarantine_lines(tmp_path)
    assert "outside DynamoDB's number range" in line["error"]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "no Records list"),
        ({"detail": {}}, "no Records list"),
        ({"Records": None}, "not a list"),
        ({"Records": {"eventID": "x"}}, "not a list"),
        ([], "not a JSON object"),
        (
            # The shape of Powertools' public dynamoStreamLambdaInvocationEvent.json: what the on-failure
            # destination receives, not a stream batch.
            {
                "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 3},
                "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
                "version": "1.0",
                "timestamp": "2026-01-01T00:00:00Z",
                "DDBStreamBatchInfo": {
                    "shardId": "shardId-0001",
                    "startSequenceNumber": "100",
                    "endSequenceNumber": "200",
                    "batchSize": 2,
                    "streamArn": "arn:aws:dynamodb:us-east-1:123456789012:table/calls/stream/2026-01-01T00:00:00.000",
                },
            },
            "scripts/redrive-dlq.sh",
        ),
    ],
)
def test_every_event_shape_that_is_not_a_stream_batch_gets_a_clear_logged_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    event: Any,
    message: str,
) -> None:
    monkeypatch.setenv("PCA_LAKE_URI", str(tmp_path))
    handler.configured_lake.cache_clear()
    with pytest.raises(InvalidEventError, match=message):
        handler.lambda_handler(event, Context())  # type: ignore[arg-type]
    handler.configured_lake.cache_clear()
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and message in errors[0].error  # type: ignore[attr-defined]
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert any(e.get("InvalidEvents") in (1.0, [1.0]) for e in logged)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_batch_is_a_success_with_nothing_written(tmp_path: Path) -> None:
    assert process_event({"Records": []}, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}
    assert list(tmp_path.iterdir()) == []


def test_a_write_failure_is_logged_counted_and_reported(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(handler, "configured_lake", lambda: failing_lake(tmp_path, "calls/dt=2026-01-02"))
    event = {"Records": [record(10, new=image("a")), record(20, new=image("b"), at=DAY2)]}

    assert handler.lambda_handler(event, Context()) == {"batchItemFailures": [{"itemIdentifier": "20"}]}  # type: ignore[arg-type]

    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and errors[0].first_failed_sequence == "20"  # type: ignore[attr-defined]
    assert errors[0].records_not_written == 1  # type: ignore[attr-defined]
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    metrics = [e for e in logged if "_aws" in e][-1]
    assert metrics["WriteFailures"] in (1.0, [1.0]) and metrics["RecordsNotWritten"] in (1.0, [1.0])


def test_an_unnamed_failure_is_logged_counted_and_raised_so_lambda_retries_the_batch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(handler, "configured_lake", lambda: failing_lake(tmp_path, "quarantine/"))
    event = {"Records": [without_sequence(1), record(20, new=image("b"))]}

    with pytest.raises(UnreportableFailure):
        handler.lambda_handler(event, Context())  # type: ignore[arg-type]

    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and errors[0].first_failed_position == 0  # type: ignore[attr-defined]
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    metrics = [e for e in logged if "_aws" in e][-1]
    assert metrics["WriteFailures"] in (1.0, [1.0])


# ── Property: any batch, any failing writes → Parquet, quarantine, or retried ─────────────────────────────

TABLES = ("calls", "scorecards")
DAYS = (DAY1, DAY2, DAY2 + 86_400)


@st.composite
def batches(draw: st.DrawFn) -> list[Any]:
    size = draw(st.integers(min_value=0, max_value=25))
    records: list[Any] = []
    for position in range(size):
        sequence = 1000 + position  # a shard's sequence numbers grow through the batch
        kind = draw(st.sampled_from(["good", "good", "good", "poison", "no-sequence", "surrogate", "shape"]))
        table = draw(st.sampled_from(TABLES))
        at = draw(st.sampled_from(DAYS)) + position
        built = record(sequence, new=image(f"k{position}"), table=table, at=at)
        if kind == "poison":
            built["dynamodb"]["NewImage"]["n"] = {"N": draw(st.sampled_from(["1e400", "x", "1" * 39]))}
        elif kind == "no-sequence":
            built["dynamodb"]["NewImage"]["n"] = {"N": "bad"}
            del built["dynamodb"]["SequenceNumber"]
        elif kind == "surrogate":
            built["eventID"] = f"ev-{position}-\udc80"
        elif kind == "shape":
            built = draw(st.sampled_from([None, [], {}, "text", 3, {"Records": []}]))
        records.append(built)
    return records


prefixes = st.sets(
    st.sampled_from([f"{t}/dt=2026-01-0{d}" for t in TABLES for d in (1, 2, 3)] + ["quarantine/"]), max_size=7
)


def retried_positions(records: list[Any], lake: Lake) -> set[int]:
    """Positions Lambda sends again: all of them after an exception, else those from the reported record on."""
    try:
        response = process_event({"Records": records}, lake)
    except UnreportableFailure:
        return set(range(len(records)))
    failures = response["batchItemFailures"]
    if not failures:
        return set()
    (failure,) = failures
    start = next(
        i
        for i, r in enumerate(records)
        if type(r) is dict
        and type(r.get("dynamodb")) is dict
        and r["dynamodb"].get("SequenceNumber") == failure["itemIdentifier"]
    )
    return set(range(start, len(records)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), prefixes)
def test_every_record_ends_in_parquet_quarantine_or_the_retried_range(
    records: list[Any], failing: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        retried = retried_positions(records, failing_lake(root, *sorted(failing)))
        written = (
            {(r["event_id"], r["sequence_number"]) for r in Lake.from_uri(folder).read_tables(t).to_pylist()}
            if (root / t).exists()
            else set()
            for t in TABLES
        )
        in_parquet = set().union(*written)
        in_quarantine = [line["record"] for line in quarantine_lines(root)]

    for position, original in enumerate(records):
        if position in retried:
            continue
        if type(original) is dict and (
            (original.get("eventID"), original.get("dynamodb", {}).get("SequenceNumber", "").zfill(40))
            in in_parquet
        ):
            continue
        assert original in in_quarantine, (position, original, failing)


def test_the_property_covers_failures_reported_both_ways(tmp_path: Path) -> None:
    unnamed = [without_sequence(1), record(2, new=image("c2"))]
    named = [record(1, new=image("c1")), record(2, new=image("c2"), at=DAY2)]
    assert retried_positions(unnamed, failing_lake(tmp_path / "a", "quarantine/")) == {0, 1}
    assert retried_positions(named, failing_lake(tmp_path / "b", "calls/dt=2026-01-02")) == {1}
