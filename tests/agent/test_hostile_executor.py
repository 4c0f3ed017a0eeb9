"""Hostile SQL through the whole executor path (handler → guard → engine → compaction) on a real warehouse.

The warehouse is the dbt ``local`` target built over generated calls, copied so that canaries can be planted
beside the marts: a secret view in another schema, a non-mart view in the curated schema, a file in the lake
and a quarantined record. For every case of the corpus: nothing outside the marts comes back, nothing is
written anywhere, and the answer arrives within the deadline with memory bounded.
"""

from __future__ import annotations

import json
import resource
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from hostile_sql import HOSTILE, RESOURCE_ATTACKS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdas.athena_executor import handler
from lambdas.athena_executor.catalog import SchemaCatalog
from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings
from lambdas.shared.query_engines import DuckDbEngine, to_json_value
from lambdas.shared.sql_guard import GuardPolicy, guard_sql

pytestmark = pytest.mark.slow

CANARY = "canary-7f3a9c"
TIMEOUT_SECONDS = 4.0
CATALOG = SchemaCatalog.load()


@dataclass(frozen=True)
class Planted:
    root: Path
    warehouse: Path
    lake: Path
    original_lake: Path
    executor: AthenaExecutor


def _snapshot(*folders: Path) -> dict[str, tuple[int, float]]:
    files: dict[str, tuple[int, float]] = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and ".tmp" not in path.parts[-2:][0]:
                stat = path.stat()
                files[str(path)] = (stat.st_size, stat.st_mtime)
    return files


@pytest.fixture(scope="module")
def planted(built_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copy(built_warehouse.warehouse, root / "warehouse.duckdb")
    shutil.copytree(built_warehouse.lake, root / "lake")
    lake = root / "lake"
    (lake / "secrets").mkdir()
    (lake / "quarantine").mkdir(exist_ok=True)
    (lake / "quarantine" / f"{CANARY}.jsonl").write_text(json.dumps({"secret": CANARY}) + "\n")
    with duckdb.connect(str(root / "warehouse.duckdb")) as connection:
        connection.execute(f"copy (select '{CANARY}' as secret) to '{lake / 'secrets' / 'canary.parquet'}'")
        connection.execute(f"create or replace view main.secrets as select '{CANARY}' as password")
        connection.execute(f"create or replace view post_call_analytics.not_a_mart as select '{CANARY}' as x")
    engine = DuckDbEngine(root / "warehouse.duckdb", lake, timeout_seconds=TIMEOUT_SECONDS)
    settings = ExecutorSettings(engine="duckdb", data_dir=root, query_timeout_seconds=TIMEOUT_SECONDS)
    executor = AthenaExecutor(engine, CATALOG, settings)
    engine.connect()  # writes answers.duckdb before the snapshots are taken
    handler.set_executor(executor)
    yield Planted(root, root / "warehouse.duckdb", lake, built_warehouse.lake, executor)
    handler.set_executor(None)
    engine.close()


class _Context:
    function_name = "post-call-analytics-athena-executor"
    memory_limit_in_mb = 512
    invoked_function_arn = (
        "arn:aws:lambda:us-east-1:123456789012:function:post-call-analytics-athena-executor"
    )
    aws_request_id = "req-hostile"


def _invoke(event: Any) -> dict[str, Any]:
    response: dict[str, Any] = handler.lambda_handler(event, _Context())
    return response


def _sql_event(sql: Any, **overrides: Any) -> dict[str, Any]:
    event = {
        "messageVersion": "1.0",
        "agent": {"name": "pca", "id": "A", "alias": "T", "version": "DRAFT"},
        "sessionId": "s",
        "inputText": "q",
        "actionGroup": "AthenaQueryExecutor",
        "function": "execute_sql_query",
        "parameters": [{"name": "sql_query", "type": "string", "value": sql}],
        "sessionAttributes": {},
        "promptSessionAttributes": {},
    }
    event.update(overrides)
    return event


def _text(response: dict[str, Any]) -> str:
    body = response["response"]["functionResponse"]["responseBody"]["TEXT"]["body"]
    assert isinstance(body, str)
    return body


def _state(response: dict[str, Any]) -> str | None:
    state: str | None = response["response"]["functionResponse"].get("responseState")
    return state


def _leaks(planted: Planted, body: str, sql: str = "") -> list[str]:
    """Markers of data that is not in the marts (canaries, paths, view SQL, raw change-log columns) that the
    body holds although the query did not (an error message may quote the query's own words)."""
    markers = [
        CANARY,
        str(planted.lake),
        str(planted.original_lake),
        str(planted.root),
        "read_parquet",
        "CREATE VIEW",
        "new_image",
        "old_image",
        "stg_dynamodb",
        "hunter2",
    ]
    return [m for m in markers if m.lower() in body.lower() and m.lower() not in sql.lower()]


# ----------------------------------------------------------------------------------- the corpus, end to end


def test_the_hostile_corpus_holds_at_least_300_distinct_cases() -> None:
    assert len(set(HOSTILE + RESOURCE_ATTACKS)) >= 300


def test_every_hostile_case_through_the_executor_returns_nothing_outside_the_marts(planted: Planted) -> None:
    before = _snapshot(planted.root, planted.original_lake)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcomes: dict[str, int] = {}
    slowest = 0.0
    for sql in HOSTILE + RESOURCE_ATTACKS:
        started = time.monotonic()
        response = _invoke(_sql_event(sql))
        elapsed = time.monotonic() - started
        slowest = max(slowest, elapsed)
        body = _text(response)
        assert not _leaks(planted, body, sql), (sql, body[:500])
        assert len(body.encode("utf-8")) < 25_000, sql
        assert elapsed < TIMEOUT_SECONDS + 3, (sql, elapsed)
        payload = json.loads(body)
        if sql in HOSTILE:
            assert _state(response) == "REPROMPT", (sql, body[:300])
            assert payload["error"]["type"] == "rejected", (sql, body[:300])
        outcome = payload["error"]["reason"] if "error" in payload else "ok"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # the resource attacks were answered or stopped within the deadline (checked above); most were stopped
    stopped = sum(outcomes.get(reason, 0) for reason in ("timeout", "query_error", "untranslatable"))
    assert stopped >= len(RESOURCE_ATTACKS) - 2, outcomes
    assert _snapshot(planted.root, planted.original_lake) == before, "a hostile query wrote a file"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 1500, f"peak memory grew by {grown_mb:.0f} MB"
    assert slowest < TIMEOUT_SECONDS + 3


# ------------------------------------------------------------------------------ each finding, as reported


@pytest.mark.parametrize(
    "sql",
    [
        "WITH RECURSIVE duckdb_views AS (SELECT sql FROM duckdb_views UNION ALL "
        "SELECT sql FROM duckdb_views WHERE false) SELECT * FROM duckdb_views",
        "WITH RECURSIVE pg_settings AS (SELECT * FROM pg_settings UNION ALL "
        "SELECT * FROM pg_settings WHERE false) SELECT * FROM pg_settings",
        "WITH RECURSIVE duckdb_databases AS (SELECT * FROM duckdb_databases UNION ALL "
        "SELECT * FROM duckdb_databases WHERE false) SELECT * FROM duckdb_databases",
        "WITH RECURSIVE sqlite_master AS (SELECT * FROM sqlite_master UNION ALL "
        "SELECT * FROM sqlite_master WHERE false) SELECT * FROM sqlite_master",
        "WITH x AS (SELECT 1 AS a), RECURSIVE_COLS AS (SELECT 1 AS b) SELECT * FROM x",
        "WITH RECURSIVE x AS (SELECT 1 AS a), duckdb_columns AS (SELECT * FROM duckdb_columns UNION ALL "
        "SELECT * FROM duckdb_columns WHERE false) SELECT * FROM duckdb_columns",
        'WITH RECURSIVE "{lake}/calls/**/*.parquet" AS (SELECT * FROM "{lake}/calls/**/*.parquet" '
        'UNION ALL SELECT * FROM "{lake}/calls/**/*.parquet" WHERE false) '
        'SELECT * FROM "{lake}/calls/**/*.parquet"',
        'WITH RECURSIVE "{lake}/quarantine/*.jsonl" AS (SELECT * FROM "{lake}/quarantine/*.jsonl" '
        'UNION ALL SELECT * FROM "{lake}/quarantine/*.jsonl" WHERE false) '
        'SELECT * FROM "{lake}/quarantine/*.jsonl"',
        "select pg_get_viewdef(oid) as d from pg_class",
        "select pg_get_viewdef(1) as d from post_call_analytics.calls",
    ],
)
def test_finding_1_and_2_recursive_ctes_and_catalog_macros_return_nothing(planted: Planted, sql: str) -> None:
    sql = sql.replace("{lake}", str(planted.lake))
    response = _invoke(_sql_event(sql))
    body = _text(response)
    assert not _leaks(planted, body, sql)
    payload = json.loads(body)
    if sql.startswith("WITH x AS"):  # a control: a CTE whose name merely starts like a keyword is fine
        assert payload["rows"] == [[1]]
        return
    assert _state(response) == "REPROMPT"
    assert payload["error"]["type"] == "rejected"
    assert "rows" not in payload


def test_finding_3_the_answering_connection_cannot_reach_the_lake_or_the_warehouse(planted: Planted) -> None:
    engine = planted.executor.engine
    assert isinstance(engine, DuckDbEngine)
    before = _snapshot(planted.root, planted.original_lake)
    cursor = engine.connect().cursor()  # no guard at all
    target = planted.lake / "calls" / "dt=2026-06-01" / "forged.parquet"
    for sql in (
        f"select * from read_blob('{planted.warehouse}')",
        f"select * from read_parquet('{planted.lake}/calls/**/*.parquet')",
        f"select * from '{planted.lake}/quarantine/{CANARY}.jsonl'",
        f"copy (select 'forged' as call_id) to '{target}' (format parquet)",
        f"export database '{planted.lake / 'dump'}'",
        f"attach '{planted.warehouse}' as w (read_only)",
        "select * from main.secrets",
        "select * from post_call_analytics.not_a_mart",
        "set memory_limit = '64GB'",
        "set enable_external_access = true",
    ):
        with pytest.raises(duckdb.Error):
            cursor.execute(sql).fetchall()
    cursor.execute("create temp view v as select 1 as x")
    cursor.execute("create temp macro m(x) as x")
    cursor.close()
    again = engine.connect().cursor()
    for sql in ("select * from v", "select m(1)"):
        with pytest.raises(duckdb.CatalogException):
            again.execute(sql).fetchall()
    limit = again.execute("select current_setting('memory_limit')").fetchone()
    assert limit is not None
    assert str(limit[0]).endswith(("GiB", "MiB"))
    again.close()
    assert _snapshot(planted.root, planted.original_lake) == before
    assert not target.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT sequence(1, 20000000) AS s",
        "SELECT count(*) AS n FROM post_call_analytics.calls CROSS JOIN UNNEST(sequence(1, 300000000)) AS u(x)",
        "SELECT x FROM UNNEST(sequence(1, 300000000)) AS u(x)",
    ],
)
def test_finding_4_generators_are_bounded_in_time_and_memory(planted: Planted, sql: str) -> None:
    started = time.monotonic()
    response = _invoke(_sql_event(sql))
    assert time.monotonic() - started < TIMEOUT_SECONDS
    assert _state(response) == "REPROMPT"
    assert "10,000 entries" in json.loads(_text(response))["error"]["message"]


def test_finding_4_a_slow_query_is_stopped_at_the_one_deadline(planted: Planted) -> None:
    from hostile_sql import SLOW_QUERY

    started = time.monotonic()
    response = _invoke(_sql_event(SLOW_QUERY))
    assert time.monotonic() - started < TIMEOUT_SECONDS + 2
    assert json.loads(_text(response))["error"]["reason"] == "timeout"


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (_sql_event("5", parameters=[{"name": "sql_query", "type": "number", "value": "5"}]), "type string"),
        (
            _sql_event(None, parameters=[{"name": "sql_query", "type": "number", "value": 5}]),
            "must be a string",
        ),
        (_sql_event(None, parameters=[{"name": "sql_query", "value": ["select 1"]}]), "must be a string"),
        (_sql_event(None, parameters={"sql_query": "select 1"}), "malformed"),
        (_sql_event(None, parameters=["select 1"]), "malformed"),
        (_sql_event(None, parameters="select 1"), "malformed"),
        (_sql_event(None, parameters=[{"name": "sql", "value": "select 1"}]), "Unknown parameter"),
        (_sql_event(None, function=None), "Unknown function"),
        (_sql_event(None, function=["execute_sql_query"]), "Unknown function"),
        (
            {"function": "get_table_schema", "parameters": [{"name": "table_name", "value": {}}]},
            "must be a string",
        ),
        ({}, "Unknown function"),
        ("execute_sql_query", "not a Bedrock"),
        (None, "not a Bedrock"),
        ([1, 2], "not a Bedrock"),
    ],
)
def test_finding_5_malformed_input_gets_reprompt_with_a_clear_message(
    planted: Planted, event: Any, expected: str
) -> None:
    response = _invoke(event)
    assert _state(response) == "REPROMPT"
    assert expected in json.loads(_text(response))["error"]["message"]


def test_finding_5_error_bodies_stay_under_the_bedrock_cap(planted: Planted) -> None:
    columns = ", ".join(f"no_such_column_{i:05d}_{'x' * 30}" for i in range(180))
    sql = f"select {columns} from post_call_analytics.calls"
    assert len(sql) < 10_000
    response = _invoke(_sql_event(sql))
    body = _text(response)
    assert len(body.encode("utf-8")) < 25_000
    assert _state(response) == "REPROMPT"
    huge = "select " + " + ".join(["1"] * 30_000)
    response = _invoke(_sql_event(huge))
    assert len(_text(response).encode("utf-8")) < 25_000
    assert _state(response) == "REPROMPT"


@pytest.mark.parametrize(
    ("sql", "rows"),
    [
        (
            "WITH Recent AS (SELECT call_id FROM post_call_analytics.calls ORDER BY call_id LIMIT 3) "
            "SELECT count(*) AS n FROM recent",
            [[3]],
        ),
        (
            "SELECT url_extract_host('https://user@www.example.com:8443/a/b?x=1#top') AS host",
            [["www.example.com"]],
        ),
        ("SELECT url_decode('caf%C3%A9%20menu') AS text", [["café menu"]]),
        ("SELECT call_id FROM post_call_analytics.calls ORDER BY call_id FETCH FIRST ROW ONLY", None),
    ],
)
def test_finding_6_valid_athena_sql_is_not_refused(planted: Planted, sql: str, rows: Any) -> None:
    response = _invoke(_sql_event(sql))
    payload = json.loads(_text(response))
    assert _state(response) is None, payload
    if rows is not None:
        assert payload["rows"] == rows
    else:
        assert payload["row_count"] == 1


# -------------------------------------------------------------- property: valid SELECTs are never refused

SCALAR_TYPES = {"varchar", "bigint", "double", "date", "timestamp", "boolean"}
JOIN_KEYS = ("call_id", "agent_id", "evaluation_id")


def _columns(table: str) -> list[tuple[str, str]]:
    return [
        (c["name"], c["data_type"])
        for c in CATALOG.tables[table]["columns"]
        if c["data_type"] in SCALAR_TYPES
    ]


def _predicate(column: str, data_type: str, draw: Any) -> str:
    options = [f"{column} IS NOT NULL", f"{column} IS NULL"]
    if data_type in ("bigint", "double"):
        options += [f"{column} > 0", f"{column} BETWEEN 0 AND 100", f"coalesce({column}, 0) >= 1"]
    elif data_type == "varchar":
        options += [f"{column} <> ''", f"lower({column}) LIKE '%a%'", f"length({column}) > 3"]
    elif data_type in ("date", "timestamp"):
        options += [f"{column} >= DATE '2026-05-01'", f"date_trunc('month', {column}) < DATE '2026-06-01'"]
    elif data_type == "boolean":
        options += [f"{column}", f"NOT {column}"]
    return str(draw(st.sampled_from(options)))


@st.composite
def athena_selects(draw: Any) -> str:
    """A valid Athena SELECT over the marts, built from the schema catalog."""
    table = draw(st.sampled_from(sorted(CATALOG.tables)))
    columns = _columns(table)
    chosen = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=4, unique=True))
    spelled = draw(st.sampled_from([table, table.upper(), table.title()]))
    source = f"post_call_analytics.{spelled}"
    where = ""
    if draw(st.booleans()):
        column, data_type = draw(st.sampled_from(columns))
        where = f" WHERE {_predicate(column, data_type, draw)}"
    names = [name for name, _ in chosen]
    if draw(st.booleans()):  # an aggregate per group
        measure, _measure_type = draw(st.sampled_from(columns))
        aggregate = draw(
            st.sampled_from(
                [
                    "count(*)",
                    f"count({measure})",
                    f"max({measure})",
                    f"min({measure})",
                    f"count(DISTINCT {measure})",
                ]
            )
        )
        select = ", ".join([*names, f"{aggregate} AS measure"])
        body = f"SELECT {select} FROM {source}{where} GROUP BY {', '.join(names)}"
        output = [*names, "measure"]
    else:
        body = f"SELECT {', '.join(names)} FROM {source}{where}"
        output = names
    keys = [k for k in JOIN_KEYS if k in dict(columns)]
    shape = draw(st.sampled_from(["plain", "cte", "two_ctes", "join", "union"]))
    if shape == "cte":
        name = draw(st.sampled_from(["base", "Recent", "q1"]))
        body = f"WITH {name} AS ({body}) SELECT * FROM {name.swapcase()}"
    elif shape == "two_ctes":
        body = (
            f"WITH first_step AS ({body}), Second_Step AS (SELECT * FROM FIRST_STEP) "
            "SELECT * FROM second_step"
        )
    elif shape == "join" and keys:
        key = draw(st.sampled_from(keys))
        other = draw(st.sampled_from([t for t in sorted(CATALOG.tables) if key in dict(_columns(t))]))
        body = (
            f"WITH l AS ({body}), r AS (SELECT {key}, count(*) AS matches FROM post_call_analytics.{other} "
            f"GROUP BY {key}) SELECT l.*, coalesce(r.matches, 0) AS matches FROM l "
            f"{draw(st.sampled_from(['LEFT JOIN', 'FULL OUTER JOIN', 'JOIN']))} r ON l.{key} = r.{key}"
            if key in output
            else body
        )
        if key in output:
            output = [*output, "matches"]
    elif shape == "union":
        body = f"{body} UNION ALL {body}"
    order = ", ".join(f"{i} NULLS FIRST" for i in range(1, len(output) + 1))
    limit = draw(st.sampled_from(["", " LIMIT 7", " LIMIT 50", " FETCH FIRST 5 ROWS ONLY"]))
    return f"SELECT * FROM ({body}) AS generated ORDER BY {order}{limit}"


def _normalise(rows: list[list[Any]]) -> list[list[Any]]:
    return [[to_json_value(v) for v in row] for row in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sql=athena_selects())
def test_valid_athena_selects_over_the_marts_pass_and_return_what_unguarded_sql_returns(
    planted: Planted, sql: str
) -> None:
    policy = GuardPolicy.for_tables(CATALOG.table_names, max_rows=1000)
    guarded = guard_sql(sql, policy)  # never refused
    engine = planted.executor.engine
    assert isinstance(engine, DuckDbEngine)
    result = engine.execute(guarded, max_rows=1000)
    unguarded = sqlglot.transpile(sql, read="athena", write="duckdb")[0]
    with duckdb.connect(str(engine.database), read_only=True, config=engine.config()) as raw:
        expected = raw.execute(unguarded).fetchall()
    assert result.rows == _normalise([list(row) for row in expected[:1000]]), sql
