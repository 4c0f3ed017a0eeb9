"""Every verified query runs on the local (DuckDB) target and returns the columns it promises."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest

from lambdas.athena_executor import handler
from lambdas.athena_executor.catalog import SchemaCatalog
from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings
from lambdas.shared.query_engines import DuckDbEngine
from lambdas.shared.sql_guard import GuardPolicy, guard_sql
from lambdas.shared.verified_queries import load_repository, render

pytestmark = pytest.mark.slow

REPOSITORY = load_repository("local")
CATALOG = SchemaCatalog.load()
POLICY = GuardPolicy.for_tables(CATALOG.table_names)

# DuckDB result types by the portable type a verified query promises.
TYPE_FAMILIES = {
    "varchar": {"VARCHAR"},
    "bigint": {"BIGINT", "HUGEINT", "INTEGER"},
    "integer": {"INTEGER", "BIGINT"},
    "double": {"DOUBLE", "FLOAT"},
    "boolean": {"BOOLEAN"},
    "date": {"DATE"},
    "timestamp": {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE"},
}


@pytest.fixture(scope="module")
def engine(built_warehouse: Any) -> DuckDbEngine:
    return DuckDbEngine(built_warehouse.warehouse, built_warehouse.lake)


class _Context:
    function_name = "post-call-analytics-athena-executor"
    memory_limit_in_mb = 512
    invoked_function_arn = (
        "arn:aws:lambda:us-east-1:123456789012:function:post-call-analytics-athena-executor"
    )
    aws_request_id = "req-e2e"


def _all_time(query: dict[str, Any]) -> dict[str, Any]:
    return {p["name"]: "all_time" for p in query["parameters"] if p["type"] == "date_range"}


@pytest.mark.parametrize("name", REPOSITORY.names)
def test_verified_query_returns_the_promised_columns(
    name: str, engine: DuckDbEngine, built_warehouse: Any
) -> None:
    query = REPOSITORY.by_name(name)
    for values in ({}, _all_time(query)):
        guarded = guard_sql(render(query, values, today=built_warehouse.last_day), POLICY)
        result = engine.execute(guarded, max_rows=1000)
        assert result.columns == [c["name"] for c in query["columns"]]
        for column, duck_type in zip(query["columns"], result.column_types, strict=True):
            assert duck_type.upper() in TYPE_FAMILIES[column["data_type"]], (column, duck_type)


def test_most_verified_queries_find_rows_in_the_generated_data(
    engine: DuckDbEngine, built_warehouse: Any
) -> None:
    empty = []
    for query in REPOSITORY.queries:
        guarded = guard_sql(render(query, _all_time(query), today=built_warehouse.last_day), POLICY)
        if not engine.execute(guarded, max_rows=1).rows:
            empty.append(query["name"])
    assert len(empty) <= 2, empty


def test_total_calls_matches_a_direct_count(engine: DuckDbEngine, built_warehouse: Any) -> None:
    query = REPOSITORY.by_name("total_calls")
    verified = engine.execute(guard_sql(render(query, today=built_warehouse.last_day), POLICY), max_rows=1)
    direct = engine.execute(guard_sql("select count(*) from post_call_analytics.calls", POLICY), max_rows=1)
    assert verified.rows == direct.rows
    assert 300 <= verified.rows[0][0] <= 400


def test_filters_narrow_the_result(engine: DuckDbEngine, built_warehouse: Any) -> None:
    query = REPOSITORY.by_name("calls_by_direction")
    whole = engine.execute(guard_sql(render(query, today=built_warehouse.last_day), POLICY), max_rows=10)
    last_week = render(query, {"period": "last_7_days"}, today=built_warehouse.last_day)
    recent = engine.execute(guard_sql(last_week, POLICY), max_rows=10)
    assert sum(r[1] for r in recent.rows) < sum(r[1] for r in whole.rows)


def test_runbook_queries_run_through_the_lambda_on_the_built_warehouse(built_warehouse: Any) -> None:
    settings = ExecutorSettings(engine="duckdb", data_dir=built_warehouse.root)
    handler.set_executor(
        AthenaExecutor(DuckDbEngine(built_warehouse.warehouse, built_warehouse.lake), CATALOG, settings)
    )
    try:
        for sql, columns in (
            ("SELECT COUNT(*) as total_calls FROM post_call_analytics.calls", ["total_calls"]),
            (
                "SELECT direction, COUNT(*) as cnt FROM post_call_analytics.calls GROUP BY direction",
                ["direction", "cnt"],
            ),
        ):
            event = {
                "actionGroup": "AthenaQueryExecutor",
                "function": "execute_sql_query",
                "parameters": [{"name": "sql_query", "value": sql}],
            }
            response = handler.lambda_handler(event, _Context())
            body = json.loads(response["response"]["functionResponse"]["responseBody"]["TEXT"]["body"])
            assert body["columns"] == columns
            assert body["rows"]
        schema = handler.lambda_handler(
            {"function": "get_table_schema", "parameters": [{"name": "table_name", "value": "calls"}]},
            _Context(),
        )
        described = json.loads(schema["response"]["functionResponse"]["responseBody"]["TEXT"]["body"])
        assert "direction" in {c["name"] for c in described["columns"]}
    finally:
        handler.set_executor(None)


def test_the_agent_cannot_reach_staging_or_raw_on_the_built_warehouse(
    engine: DuckDbEngine, built_warehouse: Any
) -> None:
    import duckdb

    with duckdb.connect(str(built_warehouse.warehouse), read_only=True) as warehouse:
        built = {
            r[0] for r in warehouse.execute("select schema_name from information_schema.schemata").fetchall()
        }
    assert "post_call_analytics_staging" in built  # it exists in the dbt warehouse ...
    connection = engine.connect()
    schemas = {
        row[0] for row in connection.execute("select schema_name from information_schema.schemata").fetchall()
    }
    assert "post_call_analytics_staging" not in schemas  # ... not in the database answers are read from
    assert "post_call_analytics" in schemas
    from lambdas.shared.sql_guard import SqlRejectedError

    with pytest.raises(SqlRejectedError):  # and the guard never lets a query name it
        guard_sql("select * from post_call_analytics_staging.stg_dynamodb__calls", POLICY)


def test_dates_in_results_are_iso_strings(engine: DuckDbEngine, built_warehouse: Any) -> None:
    query = REPOSITORY.by_name("daily_call_volume")
    result = engine.execute(guard_sql(render(query, today=built_warehouse.last_day), POLICY), max_rows=100)
    assert all(dt.date.fromisoformat(row[0]) <= built_warehouse.last_day for row in result.rows)


# `section_scores_by_team` as first written, over every answer: the query over `scorecard_sections` must equal it.
# The rows are ordered by team and average only, so rows tied on both come in any order from either query.
SECTION_SCORES_OVER_ANSWERS = """
select sa.team, sa.section_title, count(distinct sa.evaluation_id) as evaluation_count,
    round(avg(sa.score_percent), 1) as avg_score_percent
from post_call_analytics.scorecard_answers as sa
where sa.evaluation_status = 'SUBMITTED' and sa.score_percent is not null
    and sa.evaluation_date >= date '{start}' and sa.evaluation_date < date '{end}'
    and ({team} is null or sa.team = {team})
group by sa.team, sa.section_title
order by sa.team, avg_score_percent
"""


def test_section_scores_from_scorecard_sections_equal_the_average_over_every_answer(
    engine: DuckDbEngine, built_warehouse: Any
) -> None:
    from lambdas.shared.answering.setup import guarded_runner

    run = guarded_runner(engine, exact_percentiles=True)
    query = REPOSITORY.by_name("section_scores_by_team")
    assert "scorecard_sections" in query["sql"] and "distinct" not in query["sql"].lower()
    teams = [row[0] for row in run("select distinct team from post_call_analytics.calls").rows if row[0]]
    last = built_warehouse.last_day
    periods = {
        "all_time": ("1970-01-01", "2100-01-01"),
        "last_30_days": (
            (last - dt.timedelta(days=29)).isoformat(),
            (last + dt.timedelta(days=1)).isoformat(),
        ),
    }
    compared = 0
    for period, (start, end) in periods.items():
        for team in [None, *teams]:
            verified = run(render(query, {"period": period, "team": team}, today=last))
            quoted = "null" if team is None else "'" + team.replace("'", "''") + "'"
            reference = run(SECTION_SCORES_OVER_ANSWERS.format(start=start, end=end, team=quoted))
            assert verified.columns == reference.columns
            # the same rows, in the same order of (team, average); rows tied on both come in any order in either
            assert sorted(verified.rows) == sorted(reference.rows), (period, team)
            assert [(r[0], r[3]) for r in verified.rows] == [(r[0], r[3]) for r in reference.rows]
            compared += len(reference.rows)
    assert compared > 20


def test_every_verified_query_counts_its_rows_in_the_same_execution_exactly(
    engine: DuckDbEngine, built_warehouse: Any
) -> None:
    from lambdas.shared.answering.setup import guarded_runner, row_counter, with_total_rows

    counted_run = guarded_runner(engine, exact_percentiles=True, count_rows=True)
    plain_run = guarded_runner(engine, exact_percentiles=True)
    count_apart = row_counter(plain_run, engine.dialect)
    cut = 0
    for query in REPOSITORY.queries:
        name = query["name"]
        values: dict[str, Any] = _all_time(query)
        values.update({p["name"]: 2 for p in query["parameters"] if p["type"] == "top_n"})
        sql = render(query, values, today=built_warehouse.last_day)
        counted, plain = counted_run(sql), plain_run(sql)
        assert (counted.sql, counted.columns, len(counted.rows)) == (
            plain.sql,
            plain.columns,
            len(plain.rows),
        ), name
        # rows tied on the ORDER BY come in any order (and either may be cut), so the rows are checked against
        # the query's longest ranking
        longest = {**values, **{p["name"]: 100 for p in query["parameters"] if p["type"] == "top_n"}}
        ranked = Counter(plain_run(render(query, longest, today=built_warehouse.last_day)).rows)
        assert not Counter(counted.rows) - ranked, name
        if counted.total_rows is None:  # a filter over one table: the answerer counts it apart, cheaply
            assert with_total_rows(sql) is None, name
            continue
        assert counted.total_rows == (count_apart(plain.sql, len(plain.rows)) if plain.rows else 0), name
        cut += counted.total_rows > len(counted.rows)
    assert cut >= 10
