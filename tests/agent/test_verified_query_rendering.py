"""Rendering verified queries: typed slot values become literal nodes, never SQL text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from lambdas.shared.sql_guard import GuardPolicy, guard_sql
from lambdas.shared.verified_queries import (
    DATE_PRESETS,
    ParameterError,
    load_repository,
    render,
    resolve_date_range,
)

QUERY: dict[str, Any] = {
    "name": "calls_for_agent",
    "dialect": "athena",
    "sql": (
        "select c.call_id from post_call_analytics.calls as c "
        "where c.call_date >= :period_start and c.call_date < :period_end "
        "and (:agent is null or c.agent_name = :agent) and (:direction is null or c.direction = :direction) "
        "order by c.call_id limit :top_n"
    ),
    "parameters": [
        {"name": "period", "type": "date_range", "default": "last_30_days"},
        {"name": "agent", "type": "agent", "default": None},
        {"name": "direction", "type": "direction", "default": None},
        {"name": "top_n", "type": "top_n", "default": 10},
    ],
}
TODAY = dt.date(2026, 5, 20)


def test_defaults_fill_every_placeholder_with_typed_literals() -> None:
    sql = render(QUERY, today=TODAY)
    tree = sqlglot.parse_one(sql, read="athena")
    assert not list(tree.find_all(exp.Placeholder))
    assert "CAST('2026-04-21' AS DATE)" in sql  # the 30 days ending today
    assert "CAST('2026-05-21' AS DATE)" in sql
    assert "CAST(NULL AS VARCHAR) IS NULL" in sql
    assert sql.endswith("LIMIT 10")


def test_a_hostile_value_stays_a_string_literal() -> None:
    value = "O'Brien') or 1=1; drop table calls; --"
    sql = render(QUERY, {"agent": value}, today=TODAY)
    tree = sqlglot.parse_one(sql, read="athena")
    literals = [lit.this for lit in tree.find_all(exp.Literal) if lit.is_string]
    assert value in literals
    assert guard_sql(sql, GuardPolicy.for_tables(["calls"])).tables == ("calls",)


def test_duckdb_placeholders_render_the_same_values() -> None:
    duck = dict(
        QUERY, dialect="duckdb", sql=sqlglot.transpile(QUERY["sql"], read="athena", write="duckdb")[0]
    )
    sql = render(duck, {"agent": "Dana Hall", "top_n": 5}, today=TODAY)
    assert "$" not in sql
    assert "'Dana Hall'" in sql
    assert sql.endswith("LIMIT 5")


def test_explicit_date_range_is_start_inclusive_end_exclusive() -> None:
    sql = render(QUERY, {"period": {"start": "2026-01-01", "end": "2026-02-01"}}, today=TODAY)
    assert "c.call_date >= CAST('2026-01-01' AS DATE) AND c.call_date < CAST('2026-02-01' AS DATE)" in sql


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("all_time", dt.date(1970, 1, 1), dt.date(9999, 12, 31)),
        ("last_7_days", dt.date(2026, 5, 14), dt.date(2026, 5, 21)),
        ("last_30_days", dt.date(2026, 4, 21), dt.date(2026, 5, 21)),
        ("last_90_days", dt.date(2026, 2, 20), dt.date(2026, 5, 21)),
        ("this_month", dt.date(2026, 5, 1), dt.date(2026, 6, 1)),
        ("last_month", dt.date(2026, 4, 1), dt.date(2026, 5, 1)),
        ("this_quarter", dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
        ("last_quarter", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
        ("this_year", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
        ("last_year", dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
    ],
)
def test_date_presets_resolve_against_today(preset: str, start: dt.date, end: dt.date) -> None:
    assert resolve_date_range(preset, TODAY) == (start, end)


def test_every_documented_preset_is_covered() -> None:
    assert len(DATE_PRESETS) == 10


def test_month_and_quarter_presets_cross_the_year_boundary() -> None:
    january = dt.date(2026, 1, 15)
    assert resolve_date_range("last_month", january) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    assert resolve_date_range("last_quarter", january) == (dt.date(2025, 10, 1), dt.date(2026, 1, 1))
    december = dt.date(2026, 12, 31)
    assert resolve_date_range("this_month", december) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"agnet": "Dana"}, "Unknown parameter"),
        ({"period": "yesterday-ish"}, "not a date range"),
        ({"period": {"start": "2026-02-01", "end": "2026-01-01"}}, "must be after"),
        ({"period": {"start": "1st of May"}}, "YYYY-MM-DD"),
        ({"direction": "SIDEWAYS"}, "INBOUND or OUTBOUND"),
        ({"top_n": 0}, "outside"),
        ({"top_n": 1000}, "outside"),
        ({"top_n": "ten"}, "whole number"),
        ({"top_n": True}, "whole number"),
        ({"agent": "x" * 201}, "at most 200"),
        ({"agent": 42}, "as text"),
        ({"agent": "   "}, "as text"),
    ],
)
def test_invalid_values_are_refused_with_the_parameter_named(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        render(QUERY, values, today=TODAY)


def test_direction_is_normalised_to_upper_case() -> None:
    assert "c.direction = 'OUTBOUND'" in render(QUERY, {"direction": "outbound"}, today=TODAY)


def test_a_placeholder_without_a_parameter_is_an_error() -> None:
    broken = dict(QUERY, sql=QUERY["sql"] + " offset :skip")
    with pytest.raises(ParameterError, match="skip"):
        render(broken, today=TODAY)


def test_committed_repositories_hold_the_same_queries_for_both_targets() -> None:
    athena = load_repository("athena")
    local = load_repository("local")
    assert len(athena.queries) >= 25
    assert athena.names == local.names == sorted(athena.names)
    assert (athena.dialect, local.dialect) == ("athena", "duckdb")
    for query in athena.queries:
        twin = local.by_name(query["name"])
        assert {k: v for k, v in query.items() if k not in ("sql", "dialect")} == {
            k: v for k, v in twin.items() if k not in ("sql", "dialect")
        }
        assert len(query["paraphrases"]) >= 2
        assert query["columns"]


def test_every_committed_verified_query_renders_and_passes_the_guard() -> None:
    repository = load_repository("athena")
    policy = GuardPolicy.for_tables(t.split(".")[1] for q in repository.queries for t in q["tables"])
    for query in repository.queries:
        guarded = guard_sql(render(query, today=TODAY), policy)
        assert [f"post_call_analytics.{t}" for t in guarded.tables] == query["tables"]


def test_the_runbook_questions_have_verified_queries() -> None:
    repository = load_repository("athena")
    questions = {q["question"] for q in repository.queries}
    assert "How many total calls are in the database?" in questions
    direction = repository.by_name("calls_by_direction")
    assert [c["name"] for c in direction["columns"]] == ["direction", "call_count"]
