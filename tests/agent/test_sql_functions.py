"""The function allow-list: every Trino function the project uses is on it, nothing that reaches outside is."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from lambdas.athena_executor.catalog import CATALOG_FILE, SchemaCatalog
from lambdas.shared.sql_functions import NAMED_CALLS, TRINO_FUNCTIONS, allowed_functions
from lambdas.shared.sql_guard import CURATED_MARTS, GuardPolicy, SqlRejectedError, guard_sql
from lambdas.shared.verified_queries import load_repository, render
from orchestration.dbt_runner import MARTS

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTION = ROOT / "lambdas" / "athena_executor" / "agent_instruction.txt"
TODAY = dt.date(2026, 6, 30)


def test_the_curated_marts_are_the_catalog_tables_and_the_dbt_marts() -> None:
    assert set(SchemaCatalog.load(CATALOG_FILE).table_names) == set(CURATED_MARTS) == set(MARTS)


@pytest.mark.parametrize("target", ["athena", "local"])
def test_every_function_of_the_verified_queries_is_allowed(target: str) -> None:
    allowed = allowed_functions()
    repository = load_repository(target)
    used: set[str] = set()
    for query in repository.queries:
        sql = render(query, {}, today=TODAY)
        for node in sqlglot.parse_one(sql, read="athena").find_all(exp.Func):
            assert allowed.allows(node), f"{query.name}: {node.sql(dialect='athena')}"
            used.add(type(node).__name__)
        guard_sql(sql)  # and the whole query passes
    assert {"Count", "Avg", "Sum", "Round"} <= used


def test_every_function_the_agent_instruction_names_is_a_listed_trino_function() -> None:
    text = INSTRUCTION.read_text(encoding="utf-8")
    named = {m.lower() for m in re.findall(r"\b([A-Za-z_]+)\(", text)}
    assert named, "the instruction names functions"
    assert named <= TRINO_FUNCTIONS, named - TRINO_FUNCTIONS
    for example in re.findall(r"(?:round\(avg\(x\), 1\)|date_trunc\('month', call_date\))", text):
        guard_sql(f"select {example.replace('x', 'duration_seconds')} from post_call_analytics.calls")


@pytest.mark.parametrize("name", sorted(TRINO_FUNCTIONS))
def test_each_listed_function_passes_the_guard_and_prints_for_duckdb_or_says_why_not(name: str) -> None:
    allowed = allowed_functions()
    accepted = 0
    for shape in ("()", "(a)", "(a, b)", "(a, b, c)"):
        sql = f"select {name}{shape} as v from post_call_analytics.calls"
        try:
            tree = sqlglot.parse_one(sql, read="athena")
        except sqlglot.errors.ParseError:
            continue
        if not all(allowed.allows(node) for node in tree.find_all(exp.Func)):
            continue  # this arity parses to a call that no listed function produces
        guarded = guard_sql(sql)
        assert guarded.tables == ("calls",)
        accepted += 1
        reason = None
        try:  # printed for DuckDB, or refused with a reason (an arity DuckDB lacks); never another error
            guarded.to_dialect("duckdb")
        except SqlRejectedError as error:
            reason = error.reason
        assert reason in (None, "untranslatable", "syntax"), (name, shape, reason)
    assert accepted, f"no call shape of {name}() passes the guard"


@pytest.mark.parametrize(
    "function",
    [
        "read_csv",
        "read_parquet",
        "pg_get_viewdef",
        "current_setting",
        "getenv",
        "duckdb_settings",
        "query",
        "read_blob",
        "glob",
        "json_serialize_sql",
        "sqlite_scan",
        "list_value",
        "struct_pack",
        "error",
    ],
)
def test_functions_outside_the_list_are_refused(function: str) -> None:
    with pytest.raises(SqlRejectedError) as caught:
        guard_sql(f"select {function}('x') as v from post_call_analytics.calls")
    assert caught.value.reason in ("forbidden_function", "forbidden_statement", "syntax")
    assert function not in TRINO_FUNCTIONS


def test_untyped_calls_pass_only_by_a_listed_name() -> None:
    allowed = allowed_functions()
    assert allowed.names <= TRINO_FUNCTIONS
    assert all(not issubclass(cls, NAMED_CALLS) for cls in allowed.classes)


def test_semantic_layer_sql_with_ctes_full_outer_joins_and_casts_passes() -> None:
    # The shape MetricFlow compiles: subqueries and CTEs per metric, joined on the group-by keys.
    sql = """
    WITH calls_by_week AS (
      SELECT DATE_TRUNC('week', CAST(c.started_at AS TIMESTAMP)) AS metric_time__week, COUNT(c.call_id) AS calls
      FROM post_call_analytics.calls c GROUP BY DATE_TRUNC('week', CAST(c.started_at AS TIMESTAMP))
    ), scores_by_week AS (
      SELECT DATE_TRUNC('week', s.started_at) AS metric_time__week, AVG(s.score_pct) AS avg_score,
             SUM(CASE WHEN s.automatic_fail THEN 1 ELSE 0 END) AS auto_fails
      FROM post_call_analytics.scorecards s GROUP BY 1
    )
    SELECT COALESCE(a.metric_time__week, b.metric_time__week) AS metric_time__week,
           MAX(a.calls) AS calls, MAX(b.avg_score) AS avg_score,
           CAST(MAX(b.auto_fails) AS DOUBLE) / NULLIF(MAX(a.calls), 0) AS auto_fail_rate
    FROM calls_by_week a
    FULL OUTER JOIN scores_by_week b ON a.metric_time__week = b.metric_time__week
    GROUP BY COALESCE(a.metric_time__week, b.metric_time__week)
    ORDER BY 1
    """
    guarded = guard_sql(sql, GuardPolicy())
    assert guarded.tables == ("calls", "scorecards")
    assert "FULL OUTER JOIN" in guarded.to_dialect("duckdb")


def test_the_schema_catalog_is_json_with_the_marts() -> None:
    document = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    assert document["database"] == "post_call_analytics"
