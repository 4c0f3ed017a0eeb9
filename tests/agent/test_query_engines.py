"""Query engines: DuckDB read-only and confined to the lake; Athena started, polled, stopped and paged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import duckdb
import pytest
from moto import mock_aws
from moto.athena.models import QueryResults, athena_backends

from lambdas.shared.query_engines import (
    AthenaEngine,
    DuckDbEngine,
    QueryFailedError,
    QueryTimeoutError,
    to_json_value,
)
from lambdas.shared.sql_guard import GuardPolicy, guard_sql

POLICY = GuardPolicy.for_tables(["calls", "slow"])


def test_duckdb_runs_athena_sql_through_transpilation(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    guarded = guard_sql(
        "select direction, count(*) as calls, approx_percentile(duration_ms, 0.5) as p50_ms "
        "from post_call_analytics.calls group by direction order by direction",
        POLICY,
    )
    result = engine.execute(guarded, max_rows=10)
    assert result.columns == ["direction", "calls", "p50_ms"]
    assert [row[:2] for row in result.rows] == [["INBOUND", 200], ["OUTBOUND", 100]]
    assert not result.truncated
    assert result.engine == "duckdb"


def test_duckdb_reports_truncation_beyond_max_rows(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    result = engine.execute(guard_sql("select call_id from calls order by call_id", POLICY), max_rows=25)
    assert len(result.rows) == 25
    assert result.truncated
    assert result.rows[0] == ["call-0001"]


def test_duckdb_connection_is_read_only_and_locked(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    connection = engine.connect()
    with pytest.raises(duckdb.Error, match=r"read-only|read only"):
        connection.execute("create table post_call_analytics.stolen as select 1 as x")
    with pytest.raises(duckdb.Error, match="configuration"):
        connection.execute("set enable_external_access = true")
    with pytest.raises(duckdb.Error, match="configuration"):
        connection.execute("set allowed_directories = ['/']")


def test_duckdb_cannot_read_files_outside_the_lake_even_without_the_guard(tiny_warehouse: Any) -> None:
    outside = tiny_warehouse.root / "outside.csv"
    outside.write_text("secret\n42\n")
    connection = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake).connect()
    with pytest.raises(duckdb.PermissionException):
        connection.execute(f"select * from read_csv('{outside}')").fetchall()
    with pytest.raises(duckdb.Error):
        connection.execute(f"attach '{tiny_warehouse.root / 'other.duckdb'}' as other")
    with pytest.raises(duckdb.Error):
        connection.execute("install httpfs")


def test_duckdb_stops_a_query_at_the_deadline(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake, timeout_seconds=0.3)
    with pytest.raises(QueryTimeoutError, match="stopped"):
        engine.execute(guard_sql("select n from slow", POLICY), max_rows=1)
    # the connection is still usable afterwards
    assert engine.execute(guard_sql("select count(*) as n from calls", POLICY), max_rows=1).rows == [[300]]


def test_duckdb_reports_an_sql_error_as_query_failed(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    with pytest.raises(QueryFailedError, match="no_such_column"):
        engine.execute(guard_sql("select no_such_column from calls", POLICY), max_rows=1)


def test_duckdb_without_a_warehouse_says_how_to_build_one(tmp_path: Any) -> None:
    engine = DuckDbEngine(tmp_path / "missing.duckdb", tmp_path / "lake")
    with pytest.raises(QueryFailedError, match="pca up"):
        engine.execute(guard_sql("select 1 as x", POLICY), max_rows=1)


def test_values_become_exact_json() -> None:
    import datetime as dt
    import decimal

    assert to_json_value(decimal.Decimal("12.50")) == 12.5
    assert to_json_value(decimal.Decimal("12")) == 12
    assert to_json_value(dt.date(2026, 1, 2)) == "2026-01-02"
    assert to_json_value(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05"
    assert to_json_value(float("nan")) == "nan"
    assert to_json_value(b"\x00\x01") == "AAE="
    assert to_json_value({"a": [1, decimal.Decimal("0.5")]}) == {"a": [1, 0.5]}


# ------------------------------------------------------------------------------------------------ Athena


@pytest.fixture
def athena() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("athena", region_name="us-east-1")
        client.create_work_group(
            Name="post-call-analytics",
            Configuration={
                "ResultConfiguration": {"OutputLocation": "s3://results/athena/"},
                "EnforceWorkGroupConfiguration": True,
                "BytesScannedCutoffPerQuery": 1024**3,
            },
        )
        yield client


def _seed(rows: list[list[str | None]], columns: list[tuple[str, str]]) -> None:
    backend = athena_backends["123456789012"]["us-east-1"]
    column_info = [
        {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": n, "Label": n, "Type": t}
        for n, t in columns
    ]
    data = [{"Data": [{"VarCharValue": n} for n, _ in columns]}] + [
        {"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows
    ]
    backend.query_results_queue.append(QueryResults(rows=data, column_info=column_info))


def test_athena_runs_in_the_workgroup_and_returns_typed_rows(athena: Any) -> None:
    _seed(
        [["INBOUND", "200", "61.5"], ["OUTBOUND", "100", None]],
        [("direction", "varchar"), ("cnt", "bigint"), ("avg_s", "double")],
    )
    engine = AthenaEngine(athena, sleep=lambda _: None)
    result = engine.execute(
        guard_sql(
            "SELECT direction, COUNT(*) as cnt FROM post_call_analytics.calls GROUP BY direction", POLICY
        ),
        max_rows=100,
    )
    assert result.columns == ["direction", "cnt", "avg_s"]
    assert result.rows == [["INBOUND", 200, 61.5], ["OUTBOUND", 100, None]]
    assert not result.truncated
    assert result.bytes_scanned == 0
    execution = athena.get_query_execution(QueryExecutionId=result.query_id)["QueryExecution"]
    assert execution["WorkGroup"] == "post-call-analytics"
    assert execution["QueryExecutionContext"]["Database"] == "post_call_analytics"
    assert execution["Query"].endswith("LIMIT 1000")


def test_athena_marks_results_beyond_max_rows_as_truncated(athena: Any) -> None:
    _seed([[str(i)] for i in range(30)], [("n", "integer")])
    result = AthenaEngine(athena, sleep=lambda _: None).execute(
        guard_sql("select n from calls", POLICY), max_rows=10
    )
    assert [r[0] for r in result.rows] == list(range(10))
    assert result.truncated


class _FakeAthena:
    """An Athena client whose query never finishes (or fails), to test the deadline and error paths."""

    def __init__(self, states: list[dict[str, Any]]) -> None:
        self.states = states
        self.stopped: list[str] = []
        self.started: list[dict[str, Any]] = []

    def start_query_execution(self, **kwargs: Any) -> dict[str, Any]:
        self.started.append(kwargs)
        return {"QueryExecutionId": "q-1"}

    def get_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {"QueryExecution": {"QueryExecutionId": QueryExecutionId, "Status": state}}

    def stop_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
        self.stopped.append(QueryExecutionId)
        return {}


def test_athena_stops_a_query_that_outlives_the_deadline() -> None:
    client = _FakeAthena([{"State": "RUNNING"}])
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += max(seconds, 0.1)

    engine = AthenaEngine(client, timeout_seconds=5, clock=lambda: now[0], sleep=sleep)  # type: ignore[arg-type]
    with pytest.raises(QueryTimeoutError):
        engine.execute(guard_sql("select * from calls", POLICY), max_rows=10)
    assert client.stopped == ["q-1"]
    assert 5 <= now[0] < 8


def test_athena_failure_reason_reaches_the_caller() -> None:
    reason = "COLUMN_NOT_FOUND: line 1:8: Column 'symbol' cannot be resolved"
    client = _FakeAthena([{"State": "QUEUED"}, {"State": "FAILED", "StateChangeReason": reason}])
    engine = AthenaEngine(client, sleep=lambda _: None)  # type: ignore[arg-type]
    with pytest.raises(QueryFailedError, match="Column 'symbol' cannot be resolved"):
        engine.execute(guard_sql("select symbol from calls", POLICY), max_rows=10)
    assert client.stopped == []
    assert client.started[0]["WorkGroup"] == "post-call-analytics"


def test_two_engines_on_one_warehouse_share_the_locked_settings(tiny_warehouse: Any) -> None:
    first = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    second = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    query = guard_sql("select count(*) as n from calls", POLICY)
    assert first.execute(query, max_rows=1).rows == second.execute(query, max_rows=1).rows == [[300]]
    with pytest.raises(duckdb.PermissionException):
        second.connect().execute("select * from read_csv('/etc/passwd')").fetchall()


def test_an_engine_with_another_lake_is_refused_the_shared_instance(tiny_warehouse: Any) -> None:
    first = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    first.connect()
    other = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.root)
    with pytest.raises(QueryFailedError, match="already open"):
        other.connect()
    first.close()
