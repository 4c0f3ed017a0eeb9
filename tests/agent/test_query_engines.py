"""Query engines: DuckDB read-only and confined to the lake; Athena started, polled, stopped and paged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import duckdb
import pytest
from hostile_sql import SLOW_QUERY
from moto import mock_aws
from moto.athena.models import QueryResults, athena_backends

from lambdas.shared.query_engines import (
    AthenaEngine,
    DuckDbEngine,
    QueryFailedError,
    QueryTimeoutError,
    answer_database_path,
    cluster_columns,
    to_json_value,
    write_answer_database,
)
from lambdas.shared.sql_guard import GuardPolicy, SqlRejectedError, guard_sql

POLICY = GuardPolicy.for_tables(["calls"])


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


def test_the_answer_database_holds_only_the_marts_as_tables(tiny_warehouse: Any) -> None:
    counts = write_answer_database(tiny_warehouse.warehouse)
    assert counts == {"calls": 300}
    with duckdb.connect(str(answer_database_path(tiny_warehouse.warehouse)), read_only=True) as connection:
        relations = connection.execute(
            "select schema_name, table_name from duckdb_tables() where not internal "
            "union all select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
        assert relations == [("post_call_analytics", "calls")]
        assert connection.execute(
            "select count(*) from duckdb_databases() where not internal"
        ).fetchone() == (1,)


def test_the_answer_database_stores_each_marts_rows_in_day_order(tmp_path: Any) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema post_call_analytics")
        # rows written in an order unrelated to their day (as an incremental dbt build leaves them)
        connection.execute(
            "create table post_call_analytics.calls as select 'call-' || i as call_id, "
            "date '2026-01-01' + ((i * 7919) % 365)::int as call_date, "
            "timestamp '2026-01-01' + to_seconds((i * 104729) % 86400) as started_at "
            "from range(5000) t(i)"
        )
        connection.execute(
            "create table post_call_analytics.scorecards as select 'ev-' || i as evaluation_id, "
            "date '2026-01-01' + ((i * 31) % 90)::int as evaluation_date from range(2000) t(i)"
        )
        connection.execute(
            "create table post_call_analytics.agents as select 'agent-' || (99 - i) as agent_id from range(100) t(i)"
        )
        expected = {
            table: sorted(connection.execute(f"select * from post_call_analytics.{table}").fetchall())
            for table in ("calls", "scorecards", "agents")
        }
    assert cluster_columns(["call_id", "call_date", "started_at"]) == ["call_date", "started_at"]
    assert cluster_columns(["agent_id"]) == []
    counts = write_answer_database(warehouse, marts=("calls", "scorecards", "agents"))
    assert counts == {"calls": 5000, "scorecards": 2000, "agents": 100}
    with duckdb.connect(str(answer_database_path(warehouse)), read_only=True) as connection:
        for table, key in (("calls", "call_date, started_at"), ("scorecards", "evaluation_date")):
            stored = connection.execute(
                f"select {key} from post_call_analytics.{table} order by rowid"
            ).fetchall()
            assert stored == sorted(stored), table
        for table, rows in expected.items():  # the same rows, only their order changed
            assert sorted(connection.execute(f"select * from post_call_analytics.{table}").fetchall()) == rows


def test_duckdb_connection_is_read_only_and_locked(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    connection = engine.connect()
    assert engine.database == tiny_warehouse.warehouse.with_name("answers.duckdb")
    with pytest.raises(duckdb.Error, match=r"read-only|read only"):
        connection.execute("create table post_call_analytics.stolen as select 1 as x")
    for setting in ("enable_external_access = true", "allowed_directories = ['/']", "memory_limit = '20GB'"):
        with pytest.raises(duckdb.Error, match="configuration"):
            connection.execute(f"set {setting}")
    settings = dict(
        connection.execute(
            "select name, value from duckdb_settings() where name in "
            "('enable_external_access', 'lock_configuration', 'memory_limit', 'threads', 'max_temp_directory_size')"
        ).fetchall()
    )
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert settings["threads"] == "2"
    assert settings["memory_limit"].endswith("MiB") or settings["memory_limit"].endswith("GiB")
    assert settings["max_temp_directory_size"] != "0 bytes"


def test_duckdb_cannot_read_or_write_any_file_even_without_the_guard(tiny_warehouse: Any) -> None:
    outside = tiny_warehouse.root / "outside.csv"
    outside.write_text("secret\n42\n")
    parquet = next(tiny_warehouse.lake.glob("calls/*/*.parquet"))
    connection = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake).connect()
    for sql in (
        f"select * from read_csv('{outside}')",
        f"select * from read_parquet('{parquet}')",
        f"select * from '{parquet}'",
        f"select * from read_blob('{tiny_warehouse.warehouse}')",
        f"attach '{tiny_warehouse.warehouse}' as w (read_only)",
        f"attach '{tiny_warehouse.root / 'other.duckdb'}' as other",
        f"copy (select 1 as x) to '{tiny_warehouse.lake / 'calls' / 'dt=2026-01-01' / 'forged.parquet'}'",
        f"export database '{tiny_warehouse.lake / 'dump'}'",
        "install httpfs",
        "load httpfs",
    ):
        with pytest.raises(duckdb.Error):
            connection.execute(sql).fetchall()
    assert sorted(p.name for p in tiny_warehouse.lake.rglob("*") if p.is_file()) == [parquet.name]
    # the warehouse's other relations are not there at all
    for sql in ("select * from main.secrets", "select * from post_call_analytics.not_a_mart"):
        with pytest.raises(duckdb.CatalogException):
            connection.execute(sql).fetchall()


def test_a_query_cannot_read_the_python_variables_of_the_process(tiny_warehouse: Any) -> None:
    import pandas as pd

    secret_frame = pd.DataFrame({"secret": ["hunter2"]})
    cursor = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake).connect().cursor()
    with pytest.raises(duckdb.CatalogException):
        cursor.execute("select * from secret_frame").fetchall()
    assert secret_frame.shape == (1, 1)


def test_nothing_a_query_creates_survives_it(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    first = engine.connect().cursor()
    first.execute("create temp table t as select 1 as x")
    first.execute("create temp macro m(x) as x + 1")
    first.execute("set variable v = 42")
    first.close()
    second = engine.connect().cursor()
    with pytest.raises(duckdb.CatalogException):
        second.execute("select * from t").fetchall()
    with pytest.raises(duckdb.CatalogException):
        second.execute("select m(1)").fetchall()
    assert second.execute("select getvariable('v')").fetchone() == (None,)


def test_duckdb_stops_a_query_at_the_deadline(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake, timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="stopped"):
        engine.execute(guard_sql(SLOW_QUERY, POLICY), max_rows=1)
    assert time.monotonic() - started < 5
    # the connection is still usable afterwards
    assert engine.execute(guard_sql("select count(*) as n from calls", POLICY), max_rows=1).rows == [[300]]


def test_a_caller_deadline_shortens_the_engine_timeout(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake, timeout_seconds=60)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        engine.execute(guard_sql(SLOW_QUERY, POLICY), max_rows=1, deadline=started + 0.5)
    assert time.monotonic() - started < 5
    with pytest.raises(QueryTimeoutError):
        engine.execute(guard_sql("select 1 as x", POLICY), max_rows=1, deadline=time.monotonic() - 1)


def test_results_are_capped_in_bytes_before_they_become_python_values(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake, max_result_bytes=64 * 1024)
    with pytest.raises(QueryFailedError, match="larger than"):
        engine.execute(guard_sql("select summary_text from calls", POLICY), max_rows=1000)
    assert len(engine.execute(guard_sql("select call_id from calls", POLICY), max_rows=1000).rows) == 300


@pytest.mark.parametrize(
    "sql",
    [
        "select sequence(1, 20000000) as s",
        "select count(*) as n from calls cross join unnest(sequence(1, 300000000)) as u(x)",
        "select repeat('x', 100000000) as s",
        "select lpad('x', 900000000, 'y') as s",
        "select sequence(date '1970-01-01', date '2100-01-01', interval '1' day) as s",
        "select cardinality(flatten(transform(sequence(1, 10000), x -> sequence(1, 10000)))) as n",
    ],
)
def test_generators_fail_fast_instead_of_building_huge_values(tiny_warehouse: Any, sql: str) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake, timeout_seconds=10)
    started = time.monotonic()
    with pytest.raises((QueryFailedError, SqlRejectedError), match=r"limited to|more than|inside a lambda"):
        engine.execute(guard_sql(sql, POLICY), max_rows=10)
    assert time.monotonic() - started < 2


def test_duckdb_reports_an_sql_error_as_query_failed(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    with pytest.raises(QueryFailedError, match="no_such_column"):
        engine.execute(guard_sql("select no_such_column from calls", POLICY), max_rows=1)


def test_duckdb_without_a_warehouse_says_how_to_build_one(tmp_path: Any) -> None:
    engine = DuckDbEngine(tmp_path / "missing.duckdb", tmp_path / "lake")
    with pytest.raises(QueryFailedError, match="pca up"):
        engine.execute(guard_sql("select 1 as x", POLICY), max_rows=1)
    with pytest.raises(QueryFailedError, match="pca up"):
        DuckDbEngine(tmp_path / "answers.duckdb").execute(guard_sql("select 1 as x", POLICY), max_rows=1)


def test_the_answer_database_is_rewritten_when_the_warehouse_is_newer(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    assert engine.execute(guard_sql("select count(*) as n from calls", POLICY), max_rows=1).rows == [[300]]
    engine.close()
    with duckdb.connect(str(tiny_warehouse.warehouse)) as connection:
        connection.execute("create or replace view post_call_analytics.calls as select 'only' as call_id")
    import os

    later = engine.database.stat().st_mtime + 5
    os.utime(tiny_warehouse.warehouse, (later, later))
    again = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    assert again.execute(guard_sql("select call_id from calls", POLICY), max_rows=5).rows == [["only"]]


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


def test_two_engines_on_one_answer_database_share_the_locked_settings(tiny_warehouse: Any) -> None:
    first = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    second = DuckDbEngine(answer_database_path(tiny_warehouse.warehouse))
    query = guard_sql("select count(*) as n from calls", POLICY)
    assert first.execute(query, max_rows=1).rows == second.execute(query, max_rows=1).rows == [[300]]
    with pytest.raises(duckdb.PermissionException):
        second.connect().execute("select * from read_csv('/etc/passwd')").fetchall()


def test_an_engine_with_other_limits_is_refused_the_shared_instance(tiny_warehouse: Any) -> None:
    first = DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake)
    first.connect()
    other = DuckDbEngine(first.database, memory_limit="256MB")
    with pytest.raises(QueryFailedError, match="already open"):
        other.connect()
    first.close()


def test_duckdb_runs_at_most_max_concurrent_queries_and_the_rest_wait_their_turn(tiny_warehouse: Any) -> None:
    import concurrent.futures
    import threading

    class Counting(DuckDbEngine):
        running = 0
        most = 0
        guard = threading.Lock()

        def _execute(self, *args: Any, **kwargs: Any) -> Any:
            with self.guard:
                type(self).running += 1
                type(self).most = max(type(self).most, type(self).running)
            try:
                time.sleep(0.02)  # hold the slot long enough for the other callers to queue
                return super()._execute(*args, **kwargs)
            finally:
                with self.guard:
                    type(self).running -= 1

    engine = Counting(tiny_warehouse.warehouse, tiny_warehouse.lake, max_concurrent=2)
    guarded = guard_sql("select count(*) as n from calls", POLICY)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: engine.execute(guarded, max_rows=1), range(16)))
    assert [r.rows for r in results] == [[[300]]] * 16
    assert Counting.most == 2


def test_duckdb_a_query_still_waiting_for_a_slot_at_its_deadline_times_out(tiny_warehouse: Any) -> None:
    engine = DuckDbEngine(
        tiny_warehouse.warehouse, tiny_warehouse.lake, max_concurrent=1, timeout_seconds=2.0
    )
    guarded = guard_sql("select count(*) as n from calls", POLICY)
    assert engine._slots is not None
    engine._slots.acquire()  # another query holds the only slot
    try:
        with pytest.raises(QueryTimeoutError):
            engine.execute(guarded, max_rows=1)
    finally:
        engine._slots.release()
    assert engine.execute(guarded, max_rows=1).rows == [[300]]


def test_the_embedded_engines_thread_count_comes_from_pca_duckdb_threads(
    tiny_warehouse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lambdas.shared.answering.config import ConfigurationError
    from lambdas.shared.answering.setup import duckdb_engine, duckdb_threads

    assert duckdb_threads({}) == 2
    assert duckdb_threads({"PCA_DUCKDB_THREADS": " 1 "}) == 1
    for bad in ("0", "-1", "two", "1.5", "65"):
        with pytest.raises(ConfigurationError, match="PCA_DUCKDB_THREADS"):
            duckdb_threads({"PCA_DUCKDB_THREADS": bad})
    monkeypatch.setenv("PCA_DUCKDB_THREADS", "1")
    engine = duckdb_engine(tiny_warehouse)
    try:
        threads = engine.connect().execute("select current_setting('threads')").fetchone()
        assert engine.threads == 1 and threads == (1,)
        assert engine.execute(guard_sql("select count(*) from calls", POLICY), max_rows=1).rows == [[300]]
    finally:
        engine.close()
