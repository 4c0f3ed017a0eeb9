"""The scale switch on DuckDB: a full build of incremental current-state tables, then new changes (updates,
a removal, a duplicate delivery and a late, older change) merged by an incremental run give the same marts
as the change log read from scratch."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lambdas.stream_processor.lake import RAW_SCHEMA
from orchestration import dbt_runner

from .helpers import generated_data, lake_current_state, query

pytestmark = pytest.mark.slow

# after every generated change, including the backfill's snapshots (read at the time the data was made)
LATER = datetime.now().replace(microsecond=0) + timedelta(hours=1)


def change(
    call_id: str, name: str, at: datetime, sequence: int, image: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "event_id": f"late-{call_id}-{sequence}",
        "event_name": name,
        "event_source": "stream",
        "event_at": at,
        "sequence_number": str(sequence).zfill(40),
        "keys": json.dumps({"call_id": call_id}),
        "new_image": json.dumps(image) if image is not None else None,
        "old_image": None,
        "ingested_at": datetime.now().replace(microsecond=0),
    }


def write_changes(lake: Path, name: str, rows: list[dict[str, Any]]) -> None:
    folder = lake / "calls" / f"dt={rows[0]['event_at']:%Y-%m-%d}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=RAW_SCHEMA), folder / f"{name}.parquet")


def test_incremental_run_merges_new_changes_like_a_full_read(tmp_path: Path) -> None:
    paths = generated_data(tmp_path / "data", calls=200, days=4, seed=5)
    target = tmp_path / "target"
    full = dbt_runner.build(paths.root, materialize_current_state=True, target_path=target, quiet=True)
    assert full.failures == []
    kinds = dict(
        query(
            paths,
            "select table_name, table_type from information_schema.tables "
            "where table_name in ('int_calls_deduplicated', 'calls', 'stg_dynamodb__calls')",
        )
    )
    # current state and (on DuckDB) the marts are stored; staging stays a view over the change log
    assert kinds == {
        "int_calls_deduplicated": "BASE TABLE",
        "calls": "BASE TABLE",
        "stg_dynamodb__calls": "VIEW",
    }

    before = lake_current_state(paths.lake, "calls")
    ids = sorted(before)
    moved, removed, stale = ids[:5], ids[5], ids[6]
    updates = [
        change(call_id, "MODIFY", LATER, 9_000 + n, {**before[call_id], "team": "Moved Team"})
        for n, call_id in enumerate(moved)
    ]
    removal = change(removed, "REMOVE", LATER, 9_100, None)
    late_old = change(stale, "MODIFY", datetime(2020, 1, 1), 1, {**before[stale], "team": "Stale Team"})
    write_changes(paths.lake, "late-batch", [*updates, removal])
    write_changes(paths.lake, "late-batch-redelivered", updates[:2])
    write_changes(paths.lake, "late-old-change", [late_old])

    incremental = dbt_runner.build(paths.root, materialize_current_state=True, target_path=target, quiet=True)
    assert incremental.failures == []

    expected = lake_current_state(paths.lake, "calls")
    assert removed not in expected
    assert expected[stale]["team"] == before[stale]["team"]
    rows = dict(query(paths, "select call_id, team from post_call_analytics.calls"))
    assert rows == {call_id: item["team"] for call_id, item in expected.items()}
    assert {rows[call_id] for call_id in moved} == {"Moved Team"}
    ((tombstones,),) = query(
        paths, "select count(*) from post_call_analytics_intermediate.int_calls_deduplicated where is_removed"
    )
    assert tombstones >= 1


def test_late_events_are_read_again_within_the_reprocess_window(tmp_path: Path) -> None:
    # A file written by a slower writer with an ingestion time just before the newest merged change is still
    # merged: incremental runs re-read `current_state_reprocess_minutes` (60) of changes.
    paths = generated_data(tmp_path / "data", calls=60, days=2, seed=9)
    target = tmp_path / "target"
    dbt_runner.build(paths.root, materialize_current_state=True, target_path=target, quiet=True)
    ((newest,),) = query(
        paths, "select max(ingested_at) from post_call_analytics_intermediate.int_calls_deduplicated"
    )
    before = lake_current_state(paths.lake, "calls")
    call_id = sorted(before)[0]
    slow = change(call_id, "MODIFY", LATER, 9_500, {**before[call_id], "team": "Slow Writer"})
    slow["ingested_at"] = newest - timedelta(minutes=30)
    write_changes(paths.lake, "slow-writer", [slow])

    dbt_runner.build(paths.root, materialize_current_state=True, target_path=target, quiet=True)
    ((team,),) = query(paths, f"select team from post_call_analytics.calls where call_id = '{call_id}'")
    assert team == "Slow Writer"
