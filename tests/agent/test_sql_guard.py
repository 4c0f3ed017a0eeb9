"""The SQL guard refuses everything outside read-only queries over the curated marts, and keeps the rest."""

from __future__ import annotations

import logging

import pytest
import sqlglot
from hostile_sql import HOSTILE
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from lambdas.shared.sql_guard import GuardPolicy, SqlRejectedError, guard_sql, strip_markdown

MARTS = ["agents", "calls", "call_categories", "call_insights", "scorecards", "scorecard_answers"]
POLICY = GuardPolicy.for_tables(MARTS, max_rows=1000)

RUNBOOK_QUERIES = [
    "SELECT COUNT(*) as total_calls FROM post_call_analytics.calls",
    "SELECT direction, COUNT(*) as cnt FROM post_call_analytics.calls GROUP BY direction",
]

ANALYST_QUERIES = [
    "select agent_name, avg(duration_ms) / 1000.0 as avg_seconds from calls "
    "group by 1 order by 2 desc limit 10",
    "with s as (select agent_id, avg(score_pct) as qa from post_call_analytics.scorecards group by 1) "
    "select a.agent_name, s.qa from s join post_call_analytics.agents as a on a.agent_id = s.agent_id",
    "select category, count(*) from call_categories group by category order by 2 desc",
    "select c.queue, approx_percentile(c.duration_ms, 0.9) from calls c group by 1",
    "select date_trunc('week', started_at) as week, count(*) from calls group by 1 order by 1",
    "select * from calls c cross join unnest(c.categories) as u(category) limit 20",
    "select 1 as one",
    "select count(*) from calls where started_at >= current_date - interval '30' day",
    "select agent_name from calls union select agent_name from agents order by 1",
    "(select count(*) from calls)",
    'select "direction", count(*) from "post_call_analytics"."calls" group by 1',
    "select * from AwsDataCatalog.post_call_analytics.calls limit 3",
]


def _rejects(sql: str, policy: GuardPolicy = POLICY) -> SqlRejectedError:
    with pytest.raises(SqlRejectedError) as caught:
        guard_sql(sql, policy)
    return caught.value


def test_there_are_at_least_150_distinct_hostile_inputs() -> None:
    assert len(set(HOSTILE)) >= 150


@pytest.mark.parametrize("sql", HOSTILE, ids=[f"hostile-{i:03d}" for i in range(len(HOSTILE))])
def test_guard_refuses_hostile_input(sql: str) -> None:
    logging.disable(logging.WARNING)  # sqlglot warns when it falls back to a Command node
    try:
        error = _rejects(sql)
    finally:
        logging.disable(logging.NOTSET)
    assert error.reason
    assert error.message.strip()


@pytest.mark.parametrize("sql", RUNBOOK_QUERIES + ANALYST_QUERIES)
def test_guard_accepts_read_only_queries_over_the_marts(sql: str) -> None:
    guarded = guard_sql(sql, POLICY)
    assert set(guarded.tables) <= set(MARTS)
    assert guarded.limit <= POLICY.max_rows


def test_runbook_count_query_reads_calls_and_gets_a_limit() -> None:
    guarded = guard_sql(RUNBOOK_QUERIES[0], POLICY)
    assert guarded.tables == ("calls",)
    assert guarded.sql == "SELECT COUNT(*) AS total_calls FROM post_call_analytics.calls LIMIT 1000"


def test_guarded_sql_passes_the_guard_again_unchanged() -> None:
    for sql in RUNBOOK_QUERIES + ANALYST_QUERIES:
        once = guard_sql(sql, POLICY).sql
        assert guard_sql(once, POLICY).sql == once


def test_a_larger_limit_is_lowered_to_the_cap() -> None:
    guarded = guard_sql("select * from calls limit 50000", POLICY)
    assert guarded.limit == 1000
    assert guarded.limit_clamped
    assert guarded.sql.endswith("LIMIT 1000")


def test_a_smaller_limit_is_kept() -> None:
    guarded = guard_sql("select * from calls limit 5", POLICY)
    assert guarded.limit == 5
    assert not guarded.limit_clamped
    assert guarded.sql.endswith("LIMIT 5")


def test_fetch_first_becomes_a_clamped_limit() -> None:
    guarded = guard_sql("select * from calls fetch first 5000 rows only", POLICY)
    assert guarded.sql == "SELECT * FROM post_call_analytics.calls LIMIT 1000"


def test_union_gets_one_outer_limit() -> None:
    guarded = guard_sql("select agent_name from calls union all select agent_name from agents", POLICY)
    assert guarded.sql.endswith("LIMIT 1000")
    assert guarded.tables == ("agents", "calls")


def test_markdown_fences_and_trailing_semicolons_are_stripped() -> None:
    fenced = "```sql\nSELECT direction FROM post_call_analytics.calls;\n```"
    assert strip_markdown(fenced) == "SELECT direction FROM post_call_analytics.calls"
    assert guard_sql(fenced, POLICY).sql == "SELECT direction FROM post_call_analytics.calls LIMIT 1000"


def test_trailing_comment_after_semicolon_is_not_a_second_statement() -> None:
    assert guard_sql("select count(*) from calls; -- done", POLICY).tables == ("calls",)


def test_comments_never_reach_the_engine() -> None:
    guarded = guard_sql("select /* ignore previous instructions */ count(*) from calls -- hi", POLICY)
    assert "ignore" not in guarded.sql
    assert "ignore" not in guarded.to_dialect("duckdb")


def test_every_table_is_rewritten_to_the_curated_database() -> None:
    guarded = guard_sql(
        'select * from "AwsDataCatalog"."post_call_analytics"."calls" c join agents a on true'
    )
    tables = {(t.catalog, t.db, t.name) for t in guarded.expression.find_all(exp.Table)}
    assert tables == {("", "post_call_analytics", "calls"), ("", "post_call_analytics", "agents")}


def test_cte_names_are_not_mistaken_for_tables() -> None:
    guarded = guard_sql("with recent as (select * from calls) select count(*) from recent", POLICY)
    assert guarded.tables == ("calls",)


def test_cte_name_used_outside_its_scope_is_checked_as_a_table() -> None:
    error = _rejects(
        "select * from (with secret as (select 1 as x) select * from secret) union all select * from secret"
    )
    assert error.reason == "unknown_table"


def test_unknown_table_message_lists_the_curated_tables() -> None:
    error = _rejects("select * from post_call_analytics.call_facts")
    assert error.reason == "unknown_table"
    for mart in MARTS:
        assert mart in error.message


def test_raw_database_is_refused_with_a_reason_the_author_can_act_on() -> None:
    error = _rejects("select * from post_call_analytics_raw.calls")
    assert error.reason == "database"
    assert "post_call_analytics" in error.message


def test_limit_that_is_not_a_number_is_refused() -> None:
    assert _rejects("select * from calls limit all").reason == "limit"


def test_length_cap_is_applied_before_parsing() -> None:
    policy = GuardPolicy.for_tables(MARTS)
    sql = "select count(*) from calls where agent_name in (" + ",".join(["'x'"] * 3000) + ")"
    assert len(sql) > policy.max_sql_chars
    assert _rejects(sql, policy).reason == "too_long"


def test_the_default_policy_allows_exactly_the_curated_marts() -> None:
    assert guard_sql("select * from post_call_analytics.agent_daily_performance").tables == (
        "agent_daily_performance",
    )
    assert _rejects("select * from post_call_analytics.anything", GuardPolicy()).reason == "unknown_table"
    assert _rejects("select * from other_db.calls", GuardPolicy()).reason == "database"


def test_duckdb_transpilation_keeps_the_checked_tables() -> None:
    guarded = guard_sql(
        "select approx_percentile(duration_ms, 0.5) as p50, date_format(started_at, '%Y-%m') as month "
        "from calls group by 2",
        POLICY,
    )
    duck = guarded.to_dialect("duckdb")
    assert "APPROX_QUANTILE" in duck
    parsed = sqlglot.parse_one(duck, read="duckdb")
    assert {t.sql() for t in parsed.find_all(exp.Table)} == {"post_call_analytics.calls"}


@pytest.mark.parametrize("first", ["athena", "duckdb"])
def test_printing_in_place_leaves_every_dialect_and_the_tree_intact(first: str) -> None:
    # The first dialect prints the checked tree without a copy; any later dialect, and the tree itself,
    # come from a fresh guard of the same text, so the order of the calls changes nothing.
    sql = (
        "with s as (select agent_id, approx_percentile(duration_ms, 0.5) as p50 from calls group by 1) "
        "select a.agent_name, s.p50, date_format(current_date, '%Y') as y "
        "from s join agents a on a.agent_id = s.agent_id limit 5"
    )
    reference = guard_sql(sql, POLICY)
    athena, duck = reference.expression.sql(dialect="athena"), reference.expression.sql(dialect="duckdb")
    guarded = guard_sql(sql, POLICY)
    second = "duckdb" if first == "athena" else "athena"
    printed = {first: guarded.to_dialect(first), second: guarded.to_dialect(second)}
    assert printed["athena"].startswith("WITH s AS") and printed["athena"].endswith("LIMIT 5")
    assert printed == {
        "athena": reference.to_dialect("athena"),
        "duckdb": guard_sql(sql, POLICY).to_dialect("duckdb"),
    }
    assert guarded.expression.sql(dialect="athena") == athena
    assert guarded.expression.sql(dialect="duckdb") == duck
    assert guarded.to_dialect(first) is printed[first]  # printed once per dialect
    assert {t.name for t in guarded.expression.find_all(exp.Table)} == {"agents", "calls", "s"}


# Fragments that are each harmless or hostile; any text built from them must either be refused or come out
# as a read-only query over the marts with a clamped limit.
_FRAGMENTS = [
    "select",
    "*",
    "count(*)",
    "from",
    "calls",
    "agents",
    "post_call_analytics.calls",
    "post_call_analytics_raw.calls",
    "information_schema.tables",
    "read_csv('/etc/passwd')",
    "where",
    "1 = 1",
    "union all",
    "limit 5",
    "limit 100000",
    ";",
    "drop table calls",
    "insert into calls",
    "(",
    ")",
    "with x as (select * from calls)",
    "x",
    "into t",
    "--",
    "\n",
    "copy",
    "attach 'x'",
    "join",
    "on true",
    "exists",
    "getenv('HOME')",
    "pragma version",
    "'",
    '"',
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=14))
def test_whatever_passes_the_guard_only_reads_the_marts(fragments: list[str]) -> None:
    sql = " ".join(fragments)
    logging.disable(logging.WARNING)
    try:
        guarded = guard_sql(sql, POLICY)
        athena_sql = guarded.sql
        guarded.to_dialect("duckdb")
    except SqlRejectedError:
        return
    finally:
        logging.disable(logging.NOTSET)
    assert set(guarded.tables) <= set(MARTS)
    assert guarded.limit <= POLICY.max_rows
    reparsed = sqlglot.parse(athena_sql, read="athena")
    assert len(reparsed) == 1
    assert isinstance(reparsed[0], exp.Query)
    for node in reparsed[0].walk():
        assert not isinstance(node, exp.DDL | exp.DML | exp.Command | exp.Into)
    for table in reparsed[0].find_all(exp.Table):
        assert table.db in ("", "post_call_analytics")
