"""A list cut by its LIMIT says "first N of M": M is counted in the same execution as the rows (a window
``count(*) over ()`` on the outermost SELECT), exactly, guarded, and without changing the rows or the SQL shown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from lambdas.shared.answering.setup import (
    TOTAL_ROWS_COLUMN,
    guarded_runner,
    row_counter,
    verified_answerer,
    with_total_rows,
)
from lambdas.shared.query_engines import DuckDbEngine
from lambdas.shared.sql_guard import SqlRejectedError

TODAY = dt.date(2026, 3, 18)
BUSIEST = (
    "select c.agent_name, count(*) as call_count from post_call_analytics.calls as c "
    "group by c.agent_name order by call_count desc, c.agent_name limit 2"
)
REPOSITORY: dict[str, Any] = {
    "format_version": 1,
    "target": "athena",
    "dialect": "athena",
    "database": "post_call_analytics",
    "queries": [
        {
            "name": "busiest_agents",
            "question": "Which agents handled the most calls?",
            "paraphrases": ["Busiest agents", "Top agents by call count"],
            "description": "Agents by calls handled.",
            "sql": "select c.agent_name, count(*) as call_count from post_call_analytics.calls as c "
            "group by c.agent_name order by call_count desc, c.agent_name limit :top_n",
            "parameters": [{"name": "top_n", "type": "top_n", "default": 10, "placeholders": ["top_n"]}],
            "columns": [{"name": "agent_name"}, {"name": "call_count"}],
            "verified_by": "qa.lead",
            "verified_at": "2026-01-15",
            "use_as_onboarding_question": True,
        },
    ],
}


class CountingEngine:
    """The DuckDB engine, with the SQL of every query it runs kept."""

    def __init__(self, engine: DuckDbEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.dialect = engine.dialect
        self.ran: list[str] = []

    def execute(self, query: Any, **kwargs: Any) -> Any:
        self.ran.append(query.to_dialect(self.dialect))
        return self.engine.execute(query, **kwargs)


@pytest.fixture
def engine(tiny_warehouse: tuple[Path, Path]) -> CountingEngine:
    warehouse, lake = tiny_warehouse
    return CountingEngine(DuckDbEngine(warehouse, lake))


def test_a_cut_list_is_answered_and_counted_in_one_execution(engine: CountingEngine, tmp_path: Path) -> None:
    path = tmp_path / "verified_queries.athena.json"
    path.write_text(json.dumps(REPOSITORY), encoding="utf-8")
    answerer = verified_answerer(engine, today=lambda: TODAY, repository_path=path)
    engine.ran.clear()

    answer = answerer.answer("top 2 agents by call count")

    assert len(engine.ran) == 1  # no second query for the count
    assert "COUNT(*) OVER ()" in engine.ran[0]
    assert "first 2 of 3 rows" in answer.text.splitlines()[0]
    assert answer.columns == ("agent_name", "call_count")
    assert all(len(row) == 2 for row in answer.rows)
    assert TOTAL_ROWS_COLUMN not in answer.sql  # the SQL shown is the query as asked
    plain = guarded_runner(engine.engine, exact_percentiles=True)(answer.sql)
    assert answer.rows == plain.rows


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_the_count_of_the_same_execution_equals_a_separate_count(engine: CountingEngine, limit: int) -> None:
    sql = BUSIEST.replace("limit 2", f"limit {limit}")
    counted = guarded_runner(engine, count_rows=True)(sql)
    plain = guarded_runner(engine)(sql)
    assert counted.rows == plain.rows
    assert counted.columns == plain.columns
    assert counted.sql == plain.sql
    separate = row_counter(guarded_runner(engine), engine.dialect)(plain.sql, len(plain.rows))
    assert counted.total_rows == separate == 3


def test_a_joined_list_and_an_empty_result_are_counted_in_the_same_execution(engine: CountingEngine) -> None:
    run = guarded_runner(engine, count_rows=True)
    listed = run(
        "select c.call_id, d.queue from post_call_analytics.calls as c "
        "inner join post_call_analytics.calls as d on d.call_id = c.call_id "
        "where c.direction = 'INBOUND' order by c.call_id limit 1"
    )
    every = guarded_runner(engine)(
        "select count(*) from post_call_analytics.calls as c where c.direction = 'INBOUND'"
    )
    assert listed.columns == ("call_id", "queue")
    assert listed.total_rows == every.rows[0][0] > 1
    empty = run(
        "select c.team, count(*) as n from post_call_analytics.calls as c where c.team = 'Nobody' group by 1"
    )
    assert empty.rows == () and empty.total_rows == 0


def test_a_filter_over_one_table_is_counted_apart(engine: CountingEngine, tmp_path: Path) -> None:
    """Its count reads only the filtered columns, where a window would keep every listed row."""
    sql = (
        "select c.call_id, c.queue from post_call_analytics.calls as c where c.direction = 'INBOUND' limit 1"
    )
    assert with_total_rows(sql) is None
    executed = guarded_runner(engine, count_rows=True)(sql)
    assert executed.total_rows is None
    assert row_counter(guarded_runner(engine), engine.dialect)(executed.sql, len(executed.rows)) == 4


@pytest.mark.parametrize(
    "sql",
    [
        "select distinct c.team from post_call_analytics.calls as c limit 1",  # rows made unique after windows
        "select c.team from post_call_analytics.calls as c union all "
        "select c.queue from post_call_analytics.calls as c limit 1",
        f"select c.team as {TOTAL_ROWS_COLUMN} from post_call_analytics.calls as c limit 1",
    ],
)
def test_queries_a_window_cannot_count_run_as_they_are(engine: CountingEngine, sql: str) -> None:
    assert with_total_rows(sql) is None
    executed = guarded_runner(engine, count_rows=True)(sql)
    assert executed.total_rows is None  # the answerer then counts apart, as before
    assert executed.rows == guarded_runner(engine)(sql).rows


def test_the_counted_query_is_guarded_and_a_rejected_query_still_fails(engine: CountingEngine) -> None:
    with pytest.raises(SqlRejectedError):
        guarded_runner(engine, count_rows=True)("delete from post_call_analytics.calls")
    with pytest.raises(SqlRejectedError):
        guarded_runner(engine, count_rows=True)("select * from main.secrets limit 1")
    assert engine.ran == []


def test_a_counted_query_that_fails_runs_as_asked_and_is_counted_apart(engine: CountingEngine) -> None:
    """A window over a long list may need more memory than the query as asked: the answer never fails for it."""
    from lambdas.shared.query_engines import QueryFailedError

    class NoWindows(CountingEngine):
        def execute(self, query: Any, **kwargs: Any) -> Any:
            if TOTAL_ROWS_COLUMN in query.to_dialect(self.dialect):
                self.ran.append("refused")
                raise QueryFailedError("Out of Memory Error: the window")
            return super().execute(query, **kwargs)

    refusing = NoWindows(engine.engine)
    executed = guarded_runner(refusing, count_rows=True)(BUSIEST)
    assert refusing.ran[0] == "refused" and len(refusing.ran) == 2
    assert executed.rows == guarded_runner(engine)(BUSIEST).rows
    assert executed.total_rows is None  # the answerer counts it apart
