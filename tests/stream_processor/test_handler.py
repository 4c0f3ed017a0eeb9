"""The stream processor writes the raw change-log contract, idempotently, and never loses a record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from lambdas.stream_processor import handler
from lambdas.stream_processor.handler import process_event
from lambdas.stream_processor.lake import RAW_SCHEMA, Lake, LakeWriteError, Written

from .helpers import image, record

DAY1 = 1_767_225_600  # 2026-01-01
DAY2 = DAY1 + 86_400  # 2026-01-02
CONTRACT_COLUMNS = [
    "event_id",
    "event_name",
    "event_source",
    "event_at",
    "sequence_number",
    "keys",
    "new_image",
    "old_image",
    "ingested_at",
]


def read_lake(root: Path, table: str = "calls") -> list[dict[str, Any]]:
    dataset = ds.dataset(str(root / table), format="parquet", partitioning="hive")
    rows: list[dict[str, Any]] = dataset.to_table().to_pylist()
    return sorted(rows, key=lambda r: r["sequence_number"])


def objects(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_insert_modify_remove_become_contract_rows(tmp_path: Path) -> None:
    old = image(duration_ms={"N": "1000"})
    new = image(duration_ms={"N": "2000"})
    event = {
        "Records": [
            record(100, "INSERT", new=old),
            record(200, "MODIFY", new=new, old=old, at=DAY1 + 60),
            record(300, "REMOVE", old=new, at=DAY1 + 120.25),
        ]
    }
    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    files = objects(tmp_path)
    assert files == ["calls/dt=2026-01-01/stream-20260101T000000000-100-300.parquet"]
    assert pa.parquet.read_schema(tmp_path / files[0]).names == CONTRACT_COLUMNS
    rows = read_lake(tmp_path)
    assert [r["event_name"] for r in rows] == ["INSERT", "MODIFY", "REMOVE"]
    assert [r["sequence_number"] for r in rows] == [f"{n:040d}" for n in (100, 200, 300)]
    assert {r["event_source"] for r in rows} == {"stream"}
    assert {r["keys"] for r in rows} == {'{"call_id":"c1"}'}
    assert json.loads(rows[1]["new_image"]) == {"call_id": "c1", "duration_ms": 2000}
    assert json.loads(rows[1]["old_image"]) == {"call_id": "c1", "duration_ms": 1000}
    assert rows[2]["new_image"] is None and json.loads(rows[2]["old_image"])["duration_ms"] == 2000
    assert rows[2]["event_at"] == datetime(2026, 1, 1, 0, 2, 0, 250000)
    assert str(rows[0]["dt"]) == "2026-01-01"


def test_keys_only_and_new_image_streams_keep_what_the_stream_carries(tmp_path: Path) -> None:
    event = {
        "Records": [
            record(1, "INSERT", view="KEYS_ONLY"),
            record(2, "MODIFY", new=image(a={"S": "x"}), view="NEW_IMAGE"),
            record(3, "REMOVE", view="KEYS_ONLY"),
        ]
    }
    process_event(event, Lake.from_uri(str(tmp_path)))
    rows = read_lake(tmp_path)
    assert [(r["event_name"], r["new_image"], r["old_image"]) for r in rows] == [
        ("INSERT", None, None),
        ("MODIFY", '{"call_id":"c1","a":"x"}', None),
        ("REMOVE", None, None),
    ]
    assert all(r["keys"] == '{"call_id":"c1"}' for r in rows)


def test_one_file_per_table_and_day_and_both_tables_through_one_function(tmp_path: Path) -> None:
    event = {
        "Records": [
            record(1, new=image(), at=DAY1),
            record(2, new=image("c2"), at=DAY2),
            record(3, table="scorecards", new=image("e1"), at=DAY2),
            record(4, new=image("c3"), at=DAY1 + 5),
        ]
    }
    process_event(event, Lake.from_uri(str(tmp_path)))
    assert objects(tmp_path) == [
        "calls/dt=2026-01-01/stream-20260101T000000000-1-4.parquet",
        "calls/dt=2026-01-02/stream-20260101T000000000-2-2.parquet",
        "scorecards/dt=2026-01-02/stream-20260101T000000000-3-3.parquet",
    ]
    assert len(read_lake(tmp_path, "calls")) == 3
    assert len(read_lake(tmp_path, "scorecards")) == 1


def test_a_redelivered_batch_overwrites_its_own_objects(tmp_path: Path) -> None:
    event = {"Records": [record(n, new=image(f"c{n}"), at=DAY1 + n * 40_000) for n in range(1, 6)]}
    lake = Lake.from_uri(str(tmp_path))
    process_event(event, lake, now=datetime(2026, 1, 3, tzinfo=UTC))
    first = objects(tmp_path)
    rows_first = read_lake(tmp_path)
    process_event(event, lake, now=datetime(2026, 1, 4, tzinfo=UTC))
    assert objects(tmp_path) == first
    rows_second = read_lake(tmp_path)
    assert len(rows_second) == len(rows_first) == 5
    strip = [{k: v for k, v in r.items() if k != "ingested_at"} for r in rows_first]
    assert strip == [{k: v for k, v in r.items() if k != "ingested_at"} for r in rows_second]


def test_undecodable_records_go_to_quarantine_with_their_error_and_do_not_block_the_batch(
    tmp_path: Path,
) -> None:
    poison_number = record(2, new=image(duration_ms={"N": "twelve"}))
    no_sequence = record(3, new=image("c3"))
    del no_sequence["dynamodb"]["SequenceNumber"]
    not_ddb = {"eventID": "x", "eventName": "INSERT", "eventSourceARN": "arn:aws:sqs:us-east-1:1:queue"}
    event = {
        "Records": [record(1, new=image()), poison_number, no_sequence, not_ddb, record(5, new=image("c5"))]
    }

    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    assert [r["sequence_number"][-1] for r in read_lake(tmp_path)] == ["1", "5"]
    quarantine = [p for p in tmp_path.rglob("*.jsonl")]
    assert len(quarantine) == 1 and quarantine[0].parts[-4] == "quarantine"
    lines = [json.loads(line) for line in quarantine[0].read_text().splitlines()]
    assert [line["error"] for line in lines] == [
        "N value 'twelve' is not a number",
        "dynamodb.SequenceNumber None is not a string of up to 40 digits",
        "eventSourceARN 'arn:aws:sqs:us-east-1:1:queue' is not a DynamoDB table stream ARN",
    ]
    assert lines[0]["record"] == poison_number  # the original record, whole
    assert lines[0]["sequence_number"] == "2" and lines[0]["table"] == "calls"


def test_text_that_is_not_utf8_is_quarantined_whole_and_the_batch_goes_on(tmp_path: Path) -> None:
    # Lambda's JSON parser turns "\ud800" into a lone surrogate; DynamoDB never sends one, so it is poison.
    poison = record(2, new=image(summary={"S": "caf\ud800e"}))
    event = {"Records": [record(1, new=image()), poison, record(3, new=image("c3"))]}

    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    assert [r["sequence_number"][-1] for r in read_lake(tmp_path)] == ["1", "3"]
    (quarantine,) = tmp_path.rglob("*.jsonl")
    (line,) = [json.loads(text) for text in quarantine.read_text(encoding="ascii").splitlines()]
    assert line["error"].startswith("item is not valid UTF-8 text")
    assert line["record"] == poison  # surrogate and all, as \u escapes


def test_malformed_envelopes_are_quarantined_with_a_reason(tmp_path: Path) -> None:
    def bad(sequence: int, **changes: Any) -> dict[str, Any]:
        built = record(sequence, new=image(f"c{sequence}"))
        for path, value in changes.items():
            *parents, leaf = path.split("__")
            target = built
            for parent in parents:
                target = target[parent]
            target[leaf] = value
        return built

    event = {
        "Records": [
            bad(2, dynamodb__ApproximateCreationDateTime=float("inf")),
            bad(3, dynamodb__ApproximateCreationDateTime=float("nan")),
            bad(4, dynamodb__ApproximateCreationDateTime=1e300),
            bad(5, dynamodb__ApproximateCreationDateTime=True),
            bad(6, dynamodb__SequenceNumber="١٢٣"),  # digits, but not ASCII ones
            bad(7, dynamodb__SequenceNumber="1" * 41),
            bad(8, eventSourceARN={"not": "a string"}),
            bad(9, eventSourceARN="arn:aws:dynamodb:us-east-1:1:table"),
            bad(11, eventName=["INSERT"]),
            record(10, new=image()),
        ]
    }

    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}

    assert [r["sequence_number"][-2:] for r in read_lake(tmp_path)] == ["10"]
    (quarantine,) = tmp_path.rglob("*.jsonl")
    errors = [json.loads(line)["error"] for line in quarantine.read_text().splitlines()]
    assert errors[:3] == [
        f"dynamodb.ApproximateCreationDateTime {v} is not a time between years 1 and 9999"
        for v in ("inf", "nan", "1e+300")
    ]
    assert errors[3] == "dynamodb.ApproximateCreationDateTime must be epoch seconds"
    assert errors[4:6] == [
        f"dynamodb.SequenceNumber {s!r} is not a string of up to 40 digits" for s in ("١٢٣", "1" * 41)
    ]
    assert errors[6] == "eventSourceARN is missing or not a string"
    assert errors[7].endswith("is not a DynamoDB table stream ARN")
    assert errors[8] == "eventName ['INSERT'] is not INSERT, MODIFY or REMOVE"


@dataclass(frozen=True)
class FailingLake(Lake):
    """A lake whose writes fail for keys containing ``fail_on``."""

    fail_on: str = ""

    def write_parquet(self, relative: str, table: pa.Table) -> Written:
        if self.fail_on in relative:
            raise LakeWriteError(f"could not write {relative}: simulated S3 outage")
        return super().write_parquet(relative, table)

    def write_bytes(self, relative: str, data: bytes) -> Written:
        if self.fail_on in relative:
            raise LakeWriteError(f"could not write {relative}: simulated S3 outage")
        return super().write_bytes(relative, data)


def failing_lake(root: Path, fail_on: str) -> FailingLake:
    return FailingLake(str(root), str(root.resolve()), fail_on=fail_on)


def test_a_failed_write_reports_the_first_record_of_that_write(tmp_path: Path) -> None:
    event = {
        "Records": [
            record(10, new=image("a"), at=DAY1),
            record(20, new=image("b"), at=DAY2),
            record(30, new=image("c"), at=DAY1),
            record(40, new=image("d"), at=DAY2),
        ]
    }
    response = process_event(event, failing_lake(tmp_path, "dt=2026-01-02"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "20"}]}
    assert [r["sequence_number"][-2:] for r in read_lake(tmp_path)] == [
        "10",
        "30",
    ]  # the other day was written


def test_a_failed_quarantine_write_is_reported_so_the_poison_record_is_not_lost(tmp_path: Path) -> None:
    event = {"Records": [record(10, new=image("a")), record(20, new=image(n={"N": "x"}))]}
    response = process_event(event, failing_lake(tmp_path, "quarantine/"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "20"}]}


def test_an_event_without_records_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no Records list"):
        process_event({"detail": {}}, Lake.from_uri(str(tmp_path)))


class Context:
    function_name = "post-call-analytics-stream-processor"
    memory_limit_in_mb = 512
    invoked_function_arn = (
        "arn:aws:lambda:us-east-1:123456789012:function:post-call-analytics-stream-processor"
    )
    aws_request_id = "req-1"


def test_lambda_handler_reads_the_lake_from_configuration_and_emits_metrics(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("PCA_LAKE_URI", str(tmp_path))
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "PostCallAnalytics")
    handler.configured_lake.cache_clear()
    event = {"Records": [record(1, new=image()), record(2, new=image(n={"N": "bad"}))]}
    assert handler.lambda_handler(event, Context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    handler.configured_lake.cache_clear()
    out = capsys.readouterr().out
    metrics = [json.loads(line) for line in out.splitlines() if '"_aws"' in line]
    assert metrics, out
    assert metrics[-1]["RecordsReceived"] == [2.0] or metrics[-1]["RecordsReceived"] == 2.0
    assert metrics[-1]["RecordsQuarantined"] in (1.0, [1.0])
    assert handler.logger.get_correlation_id() == "ev-1"
    assert [r.getMessage() for r in caplog.records] == ["records quarantined", "batch written"]


def test_lambda_handler_without_a_lake_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PCA_LAKE_URI", raising=False)
    monkeypatch.delenv("ANALYTICS_BUCKET", raising=False)
    handler.configured_lake.cache_clear()
    with pytest.raises(handler.ConfigurationError, match="PCA_LAKE_URI"):
        handler.lambda_handler({"Records": []}, Context())  # type: ignore[arg-type]
    handler.configured_lake.cache_clear()


def test_raw_schema_is_the_contract() -> None:
    assert RAW_SCHEMA.names == CONTRACT_COLUMNS


def test_an_old_image_is_never_taken_from_a_different_earlier_image(tmp_path: Path) -> None:
    # The batch reuses an earlier new image's JSON for an equal old image, and only for an equal one.
    first = image(n={"N": "1"})
    unseen = image(n={"N": "2"})  # a change this batch did not carry
    latest = image(n={"N": "3"})
    event = {
        "Records": [
            record(1, "INSERT", new=first),
            record(2, "MODIFY", new=latest, old=unseen),
            record(3, "MODIFY", new=image(n={"N": "4"}), old=latest),
        ]
    }
    process_event(event, Lake.from_uri(str(tmp_path)))
    olds = [json.loads(r["old_image"])["n"] if r["old_image"] else None for r in read_lake(tmp_path)]
    assert olds == [None, 2, 3]


def test_statistics_cover_the_columns_engines_filter_on_and_not_the_json(tmp_path: Path) -> None:
    event = {
        "Records": [record(100, "INSERT", new=image()), record(200, "INSERT", new=image(call_id={"S": "c2"}))]
    }
    assert process_event(event, Lake.from_uri(str(tmp_path))) == {"batchItemFailures": []}
    (path,) = [p for p in tmp_path.rglob("*.parquet")]
    row_group = pa.parquet.ParquetFile(path).metadata.row_group(0)
    stats = {row_group.column(i).path_in_schema: row_group.column(i).statistics for i in range(9)}
    assert stats["sequence_number"].min == f"{100:040d}" and stats["sequence_number"].max == f"{200:040d}"
    assert stats["event_at"].has_min_max
    assert all(stats[c] is None for c in ("keys", "new_image", "old_image"))
