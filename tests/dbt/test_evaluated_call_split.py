"""The evaluation marts with the stored current state split at the merge lookback (the scale switch on Athena):
an evaluation of a call older than the split takes the team and queue the last merge stored with it, instead of
a join that reads the key of every call ever made. Checked against the default marts (the whole change log) on
DuckDB, before and after merges, with the documented exception: an evaluation created (or moved to another
call) since the last merge, for a call older than the split, shows that call's team and queue from the next
merge."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration import dbt_runner
from orchestration.paths import data_paths
from tests.dbt.test_fresh_marts_oracle import KEYS, call_image, reset_lake, scorecard_image, write_file

pytestmark = pytest.mark.slow

MERGED = datetime(
    2026, 8, 1, 6, 0
)  # the first merge's newest change: the split is 31 days before, 2026-07-01
EVALUATION_MARTS = ("scorecards", "scorecard_sections", "scorecard_answers")


def change(table: str, key: str, image: dict[str, Any], ingested: datetime, number: int) -> dict[str, Any]:
    return {
        "table": table,
        "event_id": f"event-{number}",
        "event_name": "INSERT",
        "event_source": "stream",
        "event_at": ingested - timedelta(minutes=1),
        "sequence_number": str(number).zfill(40),
        "keys": json.dumps({KEYS[table]: key}),
        "new_image": json.dumps(image),
        "old_image": None,
        "ingested_at": ingested,
    }


def call(key: str, started: str, team: str, ingested: datetime, number: int) -> dict[str, Any]:
    image = {**call_image(1, number), "call_id": key, "started_at": started, "team": team}
    return change("calls", key, image, ingested, number)


def evaluation(key: str, call_id: str, started: str, ingested: datetime, number: int) -> dict[str, Any]:
    image = {**scorecard_image(1, number), "evaluation_id": key, "call_id": call_id, "started_at": started}
    return change("scorecards", key, image, ingested, number)


def build(root: Path, target: Path, *args: str, switch: bool) -> None:
    dbt_vars = {
        "materialize_current_state": switch,
        "current_state_fresh_marts_on_duckdb": switch,
        "current_state_lookback_on_duckdb": switch,
    }
    result = dbt_runner.invoke(
        ["run", *args], data_dir=root, target_path=target, dbt_vars=dbt_vars, quiet=True
    )
    assert result.success, result.failures


def rows(warehouse: Path, mart: str) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return sorted(
            repr(row) for row in connection.execute(f"select * from post_call_analytics.{mart}").fetchall()
        )


def teams(warehouse: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Each evaluation's (team, queue) in every evaluation mart."""
    found: dict[str, set[tuple[Any, ...]]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for mart in EVALUATION_MARTS:
            for key, team, queue in connection.execute(
                f"select evaluation_id, team, queue from post_call_analytics.{mart}"
            ).fetchall():
                found.setdefault(key, set()).add((mart, team, queue))
    return found


def stored_call_team(warehouse: Path, evaluation_id: str) -> Any:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        ((team,),) = connection.execute(
            "select call_team from post_call_analytics_intermediate.int_scorecards_deduplicated "
            "where evaluation_id = ?",
            [evaluation_id],
        ).fetchall()
    return team


def stored_keys(warehouse: Path) -> dict[str, set[str]]:
    """The items each mart's stored rows hold, after checking that the mart's view reads them."""
    found = {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for mart in (*EVALUATION_MARTS, "call_insights", "call_categories"):
            ((view_sql,),) = connection.execute(
                "select sql from duckdb_views() where view_name = ?", [mart]
            ).fetchall()
            assert f"int_{mart}_stored" in view_sql, view_sql
            key = "call_id" if mart.startswith("call") else "evaluation_id"
            found[mart] = {
                row[0]
                for row in connection.execute(
                    f"select {key} from post_call_analytics_intermediate.int_{mart}_stored"
                ).fetchall()
            }
    return found


def test_evaluations_of_calls_older_than_the_split_use_the_attributes_the_merge_stored(
    tmp_path: Path,
) -> None:
    fresh, views = data_paths(tmp_path / "fresh"), data_paths(tmp_path / "views")
    reset_lake(fresh.lake)
    views.root.mkdir(parents=True)
    views.lake.symlink_to(fresh.lake, target_is_directory=True)
    build(views.root, tmp_path / "target-views", switch=False)

    def same_as_views(except_evaluations: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        for mart in dbt_runner.MARTS:
            if mart not in EVALUATION_MARTS:
                assert rows(fresh.warehouse, mart) == rows(views.warehouse, mart), mart
        expected = teams(views.warehouse)
        for key in except_evaluations:
            expected[key] = {(mart, None, None) for mart, _, _ in expected[key]}
        assert teams(fresh.warehouse) == expected
        if not except_evaluations:
            for mart in EVALUATION_MARTS:
                assert rows(fresh.warehouse, mart) == rows(views.warehouse, mart), mart

    # merge 1: an old call (before the split, 2026-07-01) and a recent one, each evaluated
    write_file(
        fresh.lake,
        "merge-1",
        [
            call("call-old", "2026-06-01T10:00:00Z", "Billing East", MERGED - timedelta(hours=5), 1),
            call("call-new", "2026-07-25T10:00:00Z", "Billing East", MERGED - timedelta(hours=5), 2),
            evaluation("eval-old", "call-old", "2026-06-02T10:00:00Z", MERGED - timedelta(hours=4), 3),
            evaluation("eval-new", "call-new", "2026-07-26T10:00:00Z", MERGED - timedelta(hours=4), 4),
            evaluation("eval-moved", "call-new", "2026-07-26T11:00:00Z", MERGED, 5),
            evaluation("eval-edited", "call-old", "2026-07-20T10:00:00Z", MERGED, 6),
        ],
    )
    build(fresh.root, tmp_path / "target-fresh", "--full-refresh", switch=True)
    with duckdb.connect(str(fresh.warehouse), read_only=True) as connection:
        ((view_sql,),) = connection.execute(
            "select sql from duckdb_views() where view_name = 'scorecards'"
        ).fetchall()
    # the split reached the mart: old calls' rows are not read for the join
    assert "2026-07-01" in view_sql and "call_started_at" in view_sql, view_sql
    # the rows of the items before the split are stored once, and the marts read them
    assert stored_keys(fresh.warehouse) == {
        "scorecards": {"eval-old"},
        "scorecard_answers": {"eval-old"},
        "scorecard_sections": {"eval-old"},  # a section named by an answered question
        "call_insights": {"call-old"},
        "call_categories": {"call-old"},
    }
    # and the agents' activity before the split, as per-agent partial aggregates
    with duckdb.connect(str(fresh.warehouse), read_only=True) as connection:
        ((view_sql,),) = connection.execute(
            "select sql from duckdb_views() where view_name = 'agents'"
        ).fetchall()
        assert "int_agent_calls_stored" in view_sql and "int_agent_evaluations_stored" in view_sql, view_sql
        assert connection.execute(
            "select call_count, stored_before from post_call_analytics_intermediate.int_agent_calls_stored"
        ).fetchall() == [(1, "2026-07-01")]
    same_as_views()

    # after the merge: the recent call moves team, evaluations arrive for both calls, one is edited, one moves
    later = MERGED + timedelta(hours=2)
    write_file(
        fresh.lake,
        "after-merge-1",
        [
            call("call-new", "2026-07-25T10:00:00Z", "Retention", later, 10),
            evaluation("eval-new-2", "call-new", "2026-08-01T07:00:00Z", later, 11),
            evaluation("eval-edited", "call-old", "2026-07-20T10:00:00Z", later, 12),  # same call
            evaluation("eval-old-2", "call-old", "2026-08-01T07:30:00Z", later, 13),
            evaluation("eval-moved", "call-old", "2026-07-26T11:00:00Z", later, 14),
        ],
    )
    # a new evaluation of the old call, and one moved to it, wait for the next merge; the rest is fresh
    same_as_views({"eval-old-2", "eval-moved"})

    build(fresh.root, tmp_path / "target-fresh", switch=True)
    same_as_views()
    # the merge wrote again the stored evaluation whose call changed
    assert stored_call_team(fresh.warehouse, "eval-new") == "Retention"

    # weeks later: the recent call is now older than the split, so its evaluation's stored team is read
    weeks_later = MERGED + timedelta(days=40)
    write_file(
        fresh.lake,
        "merge-3",
        [call("call-later", "2026-09-09T10:00:00Z", "Billing West", weeks_later, 20)],
    )
    build(fresh.root, tmp_path / "target-fresh", switch=True)
    with duckdb.connect(str(fresh.warehouse), read_only=True) as connection:
        ((view_sql,),) = connection.execute(
            "select sql from duckdb_views() where view_name = 'scorecards'"
        ).fetchall()
    assert "2026-08-10" in view_sql, view_sql
    # each table splits at its own newest change: every call but the latest (call-99 is the lake's seed) is
    # now stored, while no evaluation changed, so the evaluations' split has not moved
    stored = stored_keys(fresh.warehouse)
    assert stored["call_insights"] == stored["call_categories"] == {"call-old", "call-new", "call-99"}
    assert stored["scorecards"] == {"eval-old"}
    same_as_views()

    # stored rows of another split (a mart rebuilt alone after a merge moved it): the mart computes every row
    with duckdb.connect(str(fresh.warehouse)) as connection:
        connection.execute(
            "update post_call_analytics_intermediate.int_call_insights_stored set stored_before = '2026-01-01'"
        )
    build(fresh.root, tmp_path / "target-fresh", "--select", "call_insights", switch=True)
    with duckdb.connect(str(fresh.warehouse), read_only=True) as connection:
        ((view_sql,),) = connection.execute(
            "select sql from duckdb_views() where view_name = 'call_insights'"
        ).fetchall()
    assert "int_call_insights_stored" not in view_sql, view_sql
    assert rows(fresh.warehouse, "call_insights") == rows(views.warehouse, "call_insights")
