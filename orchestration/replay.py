"""``pca replay``: the generated change feed → Lambda-shaped stream batches → the stream processor → the lake.

The embedded run calls the same ``process_event`` the Lambda function runs, with a local folder as the lake.
Like an event source mapping, it sends each table's records in order, in batches; it also redelivers one batch
(as Lambda does after a timeout) to show that a retried batch overwrites its own objects.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyarrow.dataset as ds
from tqdm import tqdm

from lambdas.stream_processor.handler import process
from lambdas.stream_processor.lake import QUARANTINE_PREFIX, Lake
from orchestration.paths import DataPaths, data_paths
from orchestration.synthetic.feed import TABLE_KEYS, read_stream, stream_arn

POISON_NOTE = "demo: a record with an invalid number, to show quarantine"


@dataclass
class ReplaySummary:
    batches: int = 0
    records: int = 0
    redelivered_records: int = 0
    failed_batches: int = 0
    files: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def batches(records: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(records, size)):
        yield chunk


def poison_record(table: str) -> dict[str, Any]:
    """A stream record the processor cannot decode (its number attribute is not a number)."""
    return {
        "eventID": "demo-poison-0001",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "eventSourceARN": stream_arn(table, "demo"),
        "dynamodb": {
            "ApproximateCreationDateTime": 1_700_000_000,
            "Keys": {"call_id": {"S": "poison"}},
            "NewImage": {"call_id": {"S": "poison"}, "duration_ms": {"N": "twelve"}},
            "SequenceNumber": "1",
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "note": POISON_NOTE,
    }


def replay(
    paths: DataPaths,
    *,
    batch_size: int = 500,
    clean: bool = True,
    redeliver: bool = True,
    inject_poison: bool = False,
    progress: bool = True,
) -> ReplaySummary:
    if clean and paths.lake.exists():
        shutil.rmtree(paths.lake)
    lake = Lake.from_uri(str(paths.lake))
    summary = ReplaySummary()
    for table in TABLE_KEYS:
        first: list[dict[str, Any]] | None = None
        stream = read_stream(paths, table)
        with tqdm(desc=f"replay {table}", unit="rec", disable=not progress, mininterval=0.5) as bar:
            for batch in batches(stream, batch_size):
                if inject_poison and first is None and table == "calls":
                    batch = [*batch, poison_record(table)]
                first = first or batch
                _send(batch, lake, summary)
                bar.update(len(batch))
        if redeliver and first:
            _send(first, lake, summary)  # the same batch again: same object keys, so nothing is added
            summary.redelivered_records += len(first)
            summary.records -= len(first)
            summary.batches -= 1
    for table in TABLE_KEYS:
        summary.files[table] = len(lake.list_files(table, ".parquet"))
        summary.rows[table] = count_rows(lake, table)
    quarantine_files = lake.list_files(QUARANTINE_PREFIX, ".jsonl")
    summary.files["quarantine"] = len(quarantine_files)
    summary.quarantined = sum(lake.read_bytes(f).count(b"\n") for f in quarantine_files)
    return summary


def _send(batch: list[dict[str, Any]], lake: Lake, summary: ReplaySummary) -> None:
    outcome = process({"Records": batch}, lake)
    summary.batches += 1
    summary.records += len(batch)
    if outcome.failed_sequence is not None:
        summary.failed_batches += 1
        raise RuntimeError(f"writing to {lake.uri} failed: {outcome.failures}")


def count_rows(lake: Lake, table: str) -> int:
    files = lake.list_files(table, ".parquet")
    if not files:
        return 0
    dataset = ds.dataset([lake.path(f) for f in files], filesystem=lake.filesystem, format="parquet")
    rows: int = dataset.count_rows()
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    parser.add_argument("--batch-size", type=int, default=500, help="records per Lambda batch (default 500)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the existing lake instead of starting empty"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    if not paths.stream.exists():
        raise SystemExit(f"no change feed under {paths.stream}: run `pca generate` first")
    summary = replay(paths, batch_size=args.batch_size, clean=not args.keep, progress=not args.quiet)
    print(json.dumps(summary.as_dict(), indent=2))
    return 0
