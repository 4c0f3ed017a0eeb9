"""Correctness oracle for fresh marts (scale switch on): for random change-log histories and random merge
points (watermarks), the marts — the stored current state plus the change-log partitions since the last merge,
read after more changes have landed and without another build — equal the default marts, which read the whole
change log. Change files are written in ingestion order, except that a slower writer may land a file up to
`current_state_reprocess_minutes` late, and every change is ingested less than
`current_state_max_event_lag_hours` after it happened: the two promises the stream processor keeps."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from lambdas.stream_processor.lake import RAW_SCHEMA
from orchestration import dbt_runner
from orchestration.paths import data_paths

pytestmark = pytest.mark.slow

KEYS = {"calls": "call_id", "scorecards": "evaluation_id"}
TEAMS = ["Billing East", "Billing West", "Retention"]
START = datetime(2026, 8, 1, 6, 0)
REPROCESS = timedelta(minutes=60)  # dbt_project.yml: current_state_reprocess_minutes
MAX_LAG_HOURS = 24  # dbt_project.yml: current_state_max_event_lag_hours


def call_image(key: int, version: int) -> dict[str, Any]:
    return {
        "call_id": f"call-{key:02d}",
        "direction": ["INBOUND", "OUTBOUND"][version % 2],
        "agent_id": f"agent-{version % 3:02d}",
        "agent_name": f"Agent {version % 3}",
        "team": TEAMS[version % len(TEAMS)],
        "queue": ["Billing", "Support"][key % 2],
        "status": "COMPLETED",
        "started_at": f"2026-07-{1 + key % 28:02d}T10:{version % 60:02d}:00Z",
        "duration_ms": 60_000 + 1_000 * version,
        "categories": ["billing", f"v{version % 4}"],
        "insights": [{"insight_type": "ISSUE", "text": f"issue v{version}", "participant_role": "CUSTOMER"}],
        "conversation_characteristics": {
            "Sentiment": {"OverallSentiment": {"AGENT": 1.5, "CUSTOMER": float(version % 11 - 5)}}
        },
    }


def scorecard_image(key: int, version: int) -> dict[str, Any]:
    return {
        "evaluation_id": f"eval-{key:02d}",
        "call_id": f"call-{(key + version) % 12:02d}",
        "agent_id": f"agent-{version % 3:02d}",
        "evaluator": "qa.sam",
        "evaluation_source": "MANUAL",
        "form_id": "form-customer-service",
        "form_version": 1,
        "status": ["DRAFT", "SUBMITTED"][version % 2],
        "started_at": f"2026-07-{1 + key % 28:02d}T12:{version % 60:02d}:00Z",
        "score": {"percentage": version * 7 % 101, "automatic_fail": False, "not_applicable": False},
        "questions": [
            {
                "question_ref_id": "q1",
                "section_ref_id": "s1",
                "question_type": "SINGLESELECT",
                "text": "Greeting?",
                "answer_value": "Yes",
                "score_percentage": 100,
                "not_applicable": False,
                "automatic_fail": version % 5 == 0,
            }
        ],
    }


# one change: table, key, kind, minutes after the previous file's ingestion, event lag (minutes), sequence
change = st.tuples(
    st.sampled_from(["calls", "scorecards"]),
    st.integers(min_value=0, max_value=11),
    st.sampled_from(["INSERT", "MODIFY", "MODIFY", "REMOVE"]),
    st.integers(min_value=0, max_value=MAX_LAG_HOURS * 60 - 1),
    st.integers(min_value=1, max_value=10**6),
)
# a file: its changes and the minutes since the previous file's ingestion (up to ~17 hours, so histories
# span several days and partitions)
change_file = st.tuples(st.lists(change, min_size=1, max_size=6), st.integers(min_value=0, max_value=1_000))
histories = st.lists(change_file, min_size=3, max_size=30)


def to_rows(history: list[tuple[list[tuple[str, int, str, int, int]], int]]) -> list[list[dict[str, Any]]]:
    """Files of raw change-log rows, in ingestion order; some changes are delivered again in a later file."""
    files: list[list[dict[str, Any]]] = []
    ingested = START
    for number, (changes, gap) in enumerate(history):
        ingested += timedelta(minutes=gap)
        rows = []
        for position, (table, key, kind, lag, sequence) in enumerate(changes):
            version = number * 10 + position
            image = (
                None
                if kind == "REMOVE"
                else (call_image if table == "calls" else scorecard_image)(key, version)
            )
            rows.append(
                {
                    "table": table,
                    "event_id": f"event-{number}-{position}",
                    "event_name": kind,
                    "event_source": "stream",
                    "event_at": ingested - timedelta(minutes=lag),
                    "sequence_number": str(sequence).zfill(40),
                    "keys": json.dumps({KEYS[table]: f"{'call' if table == 'calls' else 'eval'}-{key:02d}"}),
                    "new_image": json.dumps(image) if image is not None else None,
                    "old_image": None,
                    "ingested_at": ingested,
                }
            )
        if number % 4 == 3:  # a redelivery: the previous file's first change again
            rows.append({**files[-1][0], "ingested_at": ingested})
        files.append(rows)
    return files


def write_file(lake: Path, name: str, rows: list[dict[str, Any]]) -> None:
    for table in KEYS:
        by_day: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["table"] == table:
                by_day.setdefault(f"{row['event_at']:%Y-%m-%d}", []).append(row)
        for day, day_rows in by_day.items():
            folder = lake / table / f"dt={day}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(day_rows, schema=RAW_SCHEMA), folder / f"{name}.parquet")


def reset_lake(lake: Path) -> None:
    shutil.rmtree(lake, ignore_errors=True)
    # both source tables always have a file, so the staging views bind
    seed = {
        "table": "calls",
        "event_id": "seed",
        "event_name": "INSERT",
        "event_source": "backfill",
        "event_at": START - timedelta(days=40),
        "sequence_number": "0".zfill(40),
        "keys": json.dumps({"call_id": "call-99"}),
        "new_image": json.dumps(call_image(99, 0)),
        "old_image": None,
        "ingested_at": START - timedelta(days=40),
    }
    write_file(
        lake, "seed", [seed, {**seed, "table": "scorecards", "keys": json.dumps({"evaluation_id": "e-99"})}]
    )


def marts(warehouse: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {
            mart: sorted(
                repr(row)
                for row in connection.execute(f"select * from post_call_analytics.{mart}").fetchall()
            )
            for mart in dbt_runner.MARTS
        }


def run(root: Path, target: Path, *args: str, switch: bool) -> None:
    # with the switch on, the marts are views over the stored state plus the recent changes, as on Athena
    dbt_vars = {"materialize_current_state": switch, "current_state_fresh_marts_on_duckdb": switch}
    result = dbt_runner.invoke(
        ["run", *args], data_dir=root, target_path=target, dbt_vars=dbt_vars, quiet=True
    )
    assert result.success, result.failures


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two warehouses over one lake: `fresh` (scale switch on) and `views` (the default, built once)."""
    base = tmp_path_factory.mktemp("fresh-oracle")
    fresh, views = data_paths(base / "fresh"), data_paths(base / "views")
    reset_lake(fresh.lake)
    views.root.mkdir(parents=True)
    views.lake.symlink_to(fresh.lake, target_is_directory=True)
    run(views.root, base / "target-views", switch=False)
    return fresh.root, views.root


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # each example is two dbt runs (~10 s): report a failing history as found rather than shrink it for minutes
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
# A change that happened yesterday evening lands after a merge soon after midnight: the view must read
# yesterday's partition (the event-lag margin), or call-01 keeps its stored state.
@example(
    history=[
        ([("calls", 1, "INSERT", 0, 1), ("scorecards", 1, "INSERT", 0, 1)], 0),
        ([("calls", 2, "INSERT", 0, 2)], 20 * 60),
        ([("calls", 1, "MODIFY", 5 * 60, 3), ("scorecards", 1, "REMOVE", 5 * 60, 3)], 60),
    ],
    merges=[0.7],
    swaps=[],
).via("the event-lag margin")
@given(
    history=histories,
    merges=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=2),
    swaps=st.lists(st.booleans(), max_size=30),
)
def test_fresh_marts_equal_the_marts_over_the_whole_change_log(
    warehouses: tuple[Path, Path],
    history: list[tuple[list[tuple[str, int, str, int, int]], int]],
    merges: list[float],
    swaps: list[bool],
) -> None:
    fresh_root, views_root = warehouses
    fresh = data_paths(fresh_root)
    files = to_rows(history)
    # a slower writer: a file lands after the next one when their ingestion times are within the reprocess window
    order = list(range(len(files)))
    for i in range(len(order) - 1):
        close = files[order[i + 1]][0]["ingested_at"] - files[order[i]][0]["ingested_at"] < REPROCESS
        if close and i < len(swaps) and swaps[i]:
            order[i], order[i + 1] = order[i + 1], order[i]
    cuts = sorted({int(fraction * len(order)) for fraction in merges})

    reset_lake(fresh.lake)
    written = 0
    for step, cut in enumerate(cuts):
        for index in order[written:cut]:
            write_file(fresh.lake, f"file-{index:03d}", files[index])
        written = max(written, cut)
        run(
            fresh_root,
            fresh_root.parent / "target-fresh",
            *(["--full-refresh"] if step == 0 else []),
            switch=True,
        )
    for index in order[written:]:  # changes that land after the last merge: no build reads them
        write_file(fresh.lake, f"file-{index:03d}", files[index])

    with duckdb.connect(str(fresh.warehouse), read_only=True) as connection:
        ((view_sql,),) = connection.execute(
            "select sql from duckdb_views() where view_name = 'int_calls_current'"
        ).fetchall()
    # the build wrote the watermark into the view as literals (partition pruning needs no dynamic filter)
    assert re.search(r"dt >= '\d{4}-\d{2}-\d{2}'", view_sql), view_sql
    assert re.search(r"ingested_at >= cast\('\d{4}-\d{2}-\d{2} [\d:.]+'", view_sql, re.IGNORECASE), view_sql
    assert marts(fresh.warehouse) == marts(data_paths(views_root).warehouse)
