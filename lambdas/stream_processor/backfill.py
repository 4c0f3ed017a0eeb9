"""Backfill the raw change log from a table's current state, as ``SNAPSHOT`` events.

Two sources, one output format (the raw change-log contract, ``event_source = backfill``):

- a parallel ``Scan`` of the live table (``--segments`` workers), checkpointed per segment so an interrupted
  run resumes where each segment stopped;
- ``--from-export URI``: a DynamoDB export to S3 (DynamoDB-JSON lines, gzip), or a local folder in that layout
  (the embedded run backfills from the generator's ``source/export/<table>``).

Each page becomes one Parquet object whose key names the run, segment and page, so a resumed or repeated page
overwrites its own object. Usage (from the runbook)::

    cd lambdas/stream_processor
    python backfill.py --table calls
    python backfill.py --table scorecards --from-export s3://my-exports/AWSDynamoDB/01234-abcd/

The lake comes from ``--lake``, else ``PCA_LAKE_URI``, else ``ANALYTICS_BUCKET``, else the Terraform output
``analytics_bucket_name``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import orjson
from botocore.exceptions import BotoCoreError, ClientError
from tqdm import tqdm

from lambdas.stream_processor.changelog import snapshot_group, write_quarantine
from lambdas.stream_processor.lake import Lake

DEFAULT_KEYS = {"calls": ["call_id"], "scorecards": ["evaluation_id"]}
REPO_ROOT = Path(__file__).resolve().parents[2]


class BackfillError(RuntimeError):
    """The backfill cannot start or continue; the message says what to fix."""


@dataclass
class BackfillResult:
    table: str
    run_id: str
    items: int = 0
    quarantined: int = 0
    files: int = 0
    resumed_segments: int = 0


@dataclass
class Checkpoint:
    """Per-segment progress in a JSON file, rewritten after every page (atomically)."""

    path: Path
    run_id: str
    read_at: str
    total_segments: int
    segments: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, path: Path, table: str, total_segments: int, restart: bool) -> Checkpoint:
        if path.exists() and not restart:
            data = json.loads(path.read_text())
            if data.get("total_segments") != total_segments:
                raise BackfillError(
                    f"checkpoint {path} was made with {data.get('total_segments')} segments; rerun with "
                    f"--segments {data.get('total_segments')} or pass --restart"
                )
            if not data.get("complete"):
                return cls(path, data["run_id"], data["read_at"], total_segments, data["segments"])
        now = datetime.now(UTC)
        run_id = f"{table}-{now:%Y%m%dT%H%M%S}"
        checkpoint = cls(
            path,
            run_id,
            now.isoformat(),
            total_segments,
            {str(s): {"next": None, "page": 0, "done": False} for s in range(total_segments)},
        )
        checkpoint.save()
        return checkpoint

    def save(self, complete: bool = False) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "run_id": self.run_id,
                    "read_at": self.read_at,
                    "total_segments": self.total_segments,
                    "segments": self.segments,
                    "complete": complete,
                },
                indent=1,
            )
        )
        tmp.replace(self.path)

    def advance(self, segment: int, next_key: Any, page: int) -> None:
        with self.lock:
            self.segments[str(segment)] = {"next": next_key, "page": page, "done": next_key is None}
            self.save()


def write_page(
    lake: Lake,
    table: str,
    items: list[dict[str, Any]],
    key_names: list[str],
    read_at: datetime,
    run_id: str,
    segment: int | str,
    page: int,
) -> tuple[int, int]:
    """One page of typed items → one Parquet object (and quarantine for undecodable items)."""
    group, bad = snapshot_group(table, items, key_names, read_at, run_id)
    files = 0
    name = f"backfill-{run_id}-seg{segment}-{page:06d}"
    if group is not None:
        lake.write_parquet(
            f"{table}/dt={group.dt}/{name}.parquet",
            group.to_arrow("backfill", int(datetime.now(UTC).timestamp() * 1000)),
        )
        files += 1
    if bad:
        write_quarantine(bad, lake, name, int(read_at.timestamp() * 1000))
        files += 1
    return len(group) if group is not None else 0, len(bad)


def scan_table(
    table_name: str,
    table: str,
    lake: Lake,
    *,
    segments: int,
    checkpoint_path: Path,
    restart: bool = False,
    page_size: int | None = None,
    dynamodb: Any = None,
    progress: bool = True,
    stop_after_pages: int | None = None,
) -> BackfillResult:
    """Parallel Scan → SNAPSHOT rows. ``stop_after_pages`` simulates an interruption (tests)."""
    import boto3

    client = dynamodb or boto3.client("dynamodb")
    try:
        description = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        raise BackfillError(f"table {table_name!r} not found in this account/region") from None
    key_names = [k["AttributeName"] for k in description["KeySchema"]]
    checkpoint = Checkpoint.open(checkpoint_path, table, segments, restart)
    read_at = datetime.fromisoformat(checkpoint.read_at)
    result = BackfillResult(table, checkpoint.run_id)
    result.resumed_segments = sum(1 for s in checkpoint.segments.values() if s["page"] > 0 and not s["done"])
    pages_done = 0
    counter_lock = threading.Lock()
    bar = tqdm(
        desc=f"backfill {table}",
        unit="item",
        disable=not progress,
        total=description.get("ItemCount") or None,
    )

    class Interrupted(Exception):
        pass

    def run_segment(segment: int) -> None:
        nonlocal pages_done
        state = checkpoint.segments[str(segment)]
        if state["done"]:
            return
        next_key, page = state["next"], state["page"]
        while True:
            request: dict[str, Any] = {
                "TableName": table_name,
                "Segment": segment,
                "TotalSegments": segments,
                "ConsistentRead": False,
            }
            if page_size:
                request["Limit"] = page_size
            if next_key:
                request["ExclusiveStartKey"] = next_key
            response = client.scan(**request)
            written, bad = write_page(
                lake,
                table,
                response.get("Items", []),
                key_names,
                read_at,
                checkpoint.run_id,
                f"{segment:03d}",
                page,
            )
            next_key = response.get("LastEvaluatedKey")
            page += 1
            checkpoint.advance(segment, next_key, page)
            with counter_lock:
                result.items += written
                result.quarantined += bad
                result.files += 1
                pages_done += 1
                bar.update(written + bad)
                if stop_after_pages is not None and pages_done >= stop_after_pages:
                    raise Interrupted
            if next_key is None:
                return

    try:
        with ThreadPoolExecutor(max_workers=segments) as pool:
            for future in [pool.submit(run_segment, s) for s in range(segments)]:
                future.result()
    except Interrupted:
        bar.close()
        raise BackfillError(
            f"interrupted after {pages_done} pages; run again to resume (checkpoint {checkpoint_path})"
        ) from None
    bar.close()
    checkpoint.save(complete=True)
    return result


def _export_files(lake: Lake, prefix: str) -> list[str]:
    """Data files of an export: from ``manifest-files.json`` when present, else every ``data/*.json.gz``."""
    prefix = prefix.strip("/")
    manifest = f"{prefix}/manifest-files.json" if prefix else "manifest-files.json"
    try:
        lines = lake.read_bytes(manifest).decode().splitlines()
    except (FileNotFoundError, OSError):
        files = [f for f in lake.list_files(f"{prefix}/data" if prefix else "data", ".json.gz")]
        if not files:
            raise BackfillError(
                f"no manifest-files.json and no data/*.json.gz under {lake.path(prefix)}"
            ) from None
        return files
    keys = []
    for line in lines:
        if line.strip():
            key = json.loads(line)["dataFileS3Key"]
            # AWS writes keys from the bucket root (AWSDynamoDB/<id>/data/…); local exports write them relative.
            keys.append(key if "AWSDynamoDB/" in key and not key.startswith("data/") else f"{prefix}/{key}")
    return keys


EXPORT_CHUNK_ITEMS = 10_000  # items per Parquet object when backfilling from an export


def export_items(
    lake: Lake, files: list[str], chunk: int | None = None
) -> Iterator[tuple[int, int, list[dict[str, Any]]]]:
    """(file number, chunk number, items) for every ``chunk`` items of each export data file, read as a stream."""
    chunk = chunk or EXPORT_CHUNK_ITEMS
    for number, key in enumerate(files):
        with lake.open_input(key) as raw:
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if key.endswith(".gz") else raw)
            items: list[dict[str, Any]] = []
            part = 0
            for line in io.BufferedReader(stream):  # type: ignore[type-var]
                if line.strip():
                    items.append(orjson.loads(line)["Item"])
                if len(items) >= chunk:
                    yield number, part, items
                    items, part = [], part + 1
            if items or part == 0:
                yield number, part, items


def from_export(
    uri: str,
    table: str,
    lake: Lake,
    *,
    key_names: list[str],
    progress: bool = True,
    read_at: datetime | None = None,
) -> BackfillResult:
    """Backfill from a DynamoDB export (S3 URI or local folder), streaming each data file in chunks of
    ``EXPORT_CHUNK_ITEMS`` items (one Parquet object per chunk), so memory stays flat whatever the export size."""
    if uri.startswith("s3://"):
        bucket, _, prefix = uri[5:].partition("/")
        prefix = prefix.strip("/")
        source = Lake.from_uri(f"s3://{bucket}")
    else:
        source, prefix = Lake.from_uri(os.path.abspath(uri)), ""
    files = _export_files(source, prefix)
    read_at = read_at or _export_time(source, prefix) or datetime.now(UTC)
    run_id = f"{table}-export-{read_at:%Y%m%dT%H%M%S}"
    result = BackfillResult(table, run_id)
    with tqdm(
        desc=f"backfill {table} (export, {len(files)} files)", unit="item", disable=not progress
    ) as bar:
        for number, part, items in export_items(source, files):
            written, bad = write_page(
                lake, table, items, key_names, read_at, run_id, f"export{number:05d}", part
            )
            result.items += written
            result.quarantined += bad
            result.files += 1
            bar.update(written + bad)
    return result


def _export_time(source: Lake, prefix: str) -> datetime | None:
    try:
        summary = json.loads(
            source.read_bytes(f"{prefix}/manifest-summary.json" if prefix else "manifest-summary.json")
        )
    except (FileNotFoundError, OSError, ValueError):
        return None
    value = summary.get("exportTime") or summary.get("ExportTime")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def resolve_lake(explicit: str | None) -> Lake:
    uri = explicit or os.environ.get("PCA_LAKE_URI")
    if not uri and os.environ.get("ANALYTICS_BUCKET"):
        uri = f"s3://{os.environ['ANALYTICS_BUCKET']}"
    if not uri:
        try:
            command = [
                "terraform",
                f"-chdir={REPO_ROOT / 'terraform'}",
                "output",
                "-raw",
                "analytics_bucket_name",
            ]
            bucket = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
                command,
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            bucket = ""
        if not bucket:
            raise BackfillError(
                "where is the lake? pass --lake s3://<analytics-bucket>, or set PCA_LAKE_URI or "
                "ANALYTICS_BUCKET, or run from a checkout whose terraform/ has been applied"
            )
        uri = f"s3://{bucket}"
    return Lake.from_uri(uri)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--table",
        required=True,
        choices=sorted(DEFAULT_KEYS),
        help="which source table to backfill (also the lake prefix)",
    )
    parser.add_argument(
        "--table-name",
        help="the DynamoDB table's real name if it differs from --table "
        "(default: $CALLS_TABLE_NAME / $SCORECARDS_TABLE_NAME, else --table)",
    )
    parser.add_argument("--lake", help="s3://bucket[/prefix] or a local folder (see above for the default)")
    parser.add_argument("--segments", type=int, default=4, help="parallel Scan segments (default 4)")
    parser.add_argument(
        "--page-size", type=int, default=None, help="items per Scan page (default: 1 MB pages)"
    )
    parser.add_argument("--checkpoint-dir", default=".backfill", help="where segment checkpoints are kept")
    parser.add_argument(
        "--restart", action="store_true", help="ignore an unfinished checkpoint and start over"
    )
    parser.add_argument(
        "--from-export", metavar="URI", help="read a DynamoDB export (S3 URI or local folder)"
    )
    parser.add_argument(
        "--key",
        action="append",
        help="key attribute names for --from-export (default: "
        "call_id for calls, evaluation_id for scorecards)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        lake = resolve_lake(args.lake)
        if args.from_export:
            result = from_export(
                args.from_export,
                args.table,
                lake,
                key_names=args.key or DEFAULT_KEYS[args.table],
                progress=not args.quiet,
            )
        else:
            if args.segments < 1:
                raise BackfillError("--segments must be at least 1")
            table_name = args.table_name or os.environ.get(f"{args.table.upper()}_TABLE_NAME") or args.table
            result = scan_table(
                table_name,
                args.table,
                lake,
                segments=args.segments,
                page_size=args.page_size,
                checkpoint_path=Path(args.checkpoint_dir) / f"{args.table}.json",
                restart=args.restart,
                progress=not args.quiet,
            )
    except BackfillError as error:
        print(f"backfill: {error}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(
            f"backfill: AWS said: {str(error).rstrip('.')}. Check your credentials, AWS_REGION and the table name.",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(result.__dict__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
