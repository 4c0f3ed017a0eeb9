"""Shared helpers for the dbt tests: generated data sets and independent answers to compare the marts with."""

from __future__ import annotations

import glob
import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.dataset as ds

from lambdas.stream_processor.backfill import DEFAULT_KEYS, from_export
from lambdas.stream_processor.convert import to_json
from lambdas.stream_processor.lake import Lake
from orchestration.paths import DataPaths, data_paths
from orchestration.replay import replay
from orchestration.synthetic.feed import GenerateOptions, generate

KEYS = {"calls": "call_id", "scorecards": "evaluation_id"}


def generated_data(root: Path, *, calls: int, days: int, seed: int) -> DataPaths:
    """A synthetic contact centre replayed through the stream processor (with redeliveries and one poison
    record) and backfilled from its export, as ``pca up`` does."""
    paths = data_paths(root)
    options = GenerateOptions(calls=calls, days=days, seed=seed, end_date=date(2026, 8, 31), progress=False)
    generate(paths, options)
    replay(paths, inject_poison=True, progress=False)
    lake = Lake.from_uri(str(paths.lake))
    for table, keys in DEFAULT_KEYS.items():
        from_export(str(paths.export / table), table, lake, key_names=keys, progress=False)
    return paths


def exported_items(paths: DataPaths, table: str) -> dict[str, dict[str, Any]]:
    """The table's final state as the generator exported it (DynamoDB export JSON lines), by key."""
    items: dict[str, dict[str, Any]] = {}
    for file in sorted(glob.glob(str(paths.export / table / "data" / "*.jsonl.gz"))):
        with gzip.open(file, "rt") as lines:
            for line in lines:
                item = json.loads(to_json(json.loads(line)["Item"]))
                items[item[KEYS[table]]] = item
    return items


def lake_current_state(lake_dir: Path, table: str) -> dict[str, dict[str, Any]]:
    """Latest change per key straight from the raw change-log files, removed keys excluded — computed here in
    Python, independently of dbt."""
    files = glob.glob(str(lake_dir / table / "**" / "*.parquet"), recursive=True)
    rows = ds.dataset(files, format="parquet").to_table().to_pylist()
    latest: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["event_at"], r["sequence_number"], r["event_id"])):
        latest[json.loads(row["keys"])[KEYS[table]]] = row
    return {key: json.loads(row["new_image"]) for key, row in latest.items() if row["event_name"] != "REMOVE"}


def query(paths: DataPaths, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()
