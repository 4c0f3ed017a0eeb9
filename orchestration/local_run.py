"""``pca up`` (and ``make up``): the whole product on the embedded default, no AWS account needed.

synthetic data → stream processor → local lake → dbt on DuckDB → answers. Each step is a function taking the
shared :class:`RunContext`; steps run in the order of ``STEPS``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lambdas.stream_processor.backfill import DEFAULT_KEYS, from_export
from lambdas.stream_processor.lake import Lake
from orchestration.dbt_runner import build_step as step_dbt_build
from orchestration.paths import DataPaths, data_paths
from orchestration.replay import replay
from orchestration.synthetic.feed import GenerateOptions, generate


@dataclass
class RunContext:
    paths: DataPaths
    calls: int
    days: int
    seed: int
    end_date: date
    progress: bool = True
    results: dict[str, Any] = field(default_factory=dict)


def step_generate(ctx: RunContext) -> None:
    summary = generate(
        ctx.paths,
        GenerateOptions(
            calls=ctx.calls, days=ctx.days, seed=ctx.seed, end_date=ctx.end_date, progress=ctx.progress
        ),
    )
    ctx.results["generate"] = summary.as_dict()
    print(
        f"  {summary.calls} calls and {summary.scorecards} evaluations from {summary.first_day} to "
        f"{summary.last_day}; {summary.transcripts} Transcribe documents"
    )
    print(f"  change feed: {json.dumps(dict(summary.events))}")


def step_replay(ctx: RunContext) -> None:
    summary = replay(ctx.paths, inject_poison=True, progress=ctx.progress)
    ctx.results["replay"] = summary.as_dict()
    print(
        f"  {summary.batches} stream batches ({summary.records} records) through the stream processor, "
        f"1 batch per table redelivered ({summary.redelivered_records} records, objects overwritten)"
    )
    for table, rows in summary.rows.items():
        print(f"  lake/{table}: {summary.files[table]} Parquet files, {rows} change-log rows")
    print(
        f"  lake/quarantine: {summary.files['quarantine']} file(s), {summary.quarantined} record(s) quarantined "
        "(one malformed record is injected on purpose)"
    )


def step_backfill(ctx: RunContext) -> None:
    lake = Lake.from_uri(str(ctx.paths.lake))
    for table, keys in DEFAULT_KEYS.items():
        result = from_export(str(ctx.paths.export / table), table, lake, key_names=keys, progress=False)
        print(
            f"  {table}: {result.items} items from the table export written as SNAPSHOT events "
            f"({result.files} file(s), {result.quarantined} quarantined)"
        )


def step_answer(ctx: RunContext) -> None:
    from orchestration.ask import answer_onboarding_questions

    answers = answer_onboarding_questions(ctx.paths, today=ctx.end_date)
    ctx.results["answers"] = [a.to_dict() for a in answers]


Step = Callable[[RunContext], None]
STEPS: list[tuple[str, Step]] = [
    ("Generate a synthetic contact centre", step_generate),
    ("Replay the change feed through the stream processor into the local lake", step_replay),
    ("Backfill the tables' current state from their export (as the runbook's step 8 does)", step_backfill),
    ("Build the dbt project on DuckDB (models, unit tests, contracts, data tests)", step_dbt_build),
    (
        "Answer the onboarding questions offline (verified queries, then the semantic layer's metrics)",
        step_answer,
    ),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--calls", type=int, default=3000, help="calls to generate (default 3000)")
    parser.add_argument("--days", type=int, default=90, help="days of history (default 90)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--end-date", type=date.fromisoformat, default=None, help="last day (default yesterday, UTC)"
    )
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--no-serve",
        action="store_true",
        help="stop after the build (default: then serve the chat API until Ctrl-C)",
    )
    from orchestration.api_server import add_server_arguments

    add_server_arguments(parser)


def run(args: argparse.Namespace) -> int:
    ctx = RunContext(
        paths=data_paths(args.data_dir),
        calls=args.calls,
        days=args.days,
        seed=args.seed,
        end_date=args.end_date or (datetime.now(UTC).date() - timedelta(days=1)),
        progress=not args.quiet,
    )
    print(f"post-call-analytics embedded run — data in {ctx.paths.root}")
    for number, (title, step) in enumerate(STEPS, start=1):
        started = time.perf_counter()
        print(f"\n[{number}/{len(STEPS)}] {title}")
        step(ctx)
        print(f"  ({time.perf_counter() - started:.1f} s)")
    if getattr(args, "no_serve", True):
        return 0
    from orchestration.api_server import default_static_dir, serve

    print("\n[serve] The chat API on the embedded warehouse, the same router as the Lambda")
    return serve(
        ctx.paths.root,
        host=args.host,
        port=args.port,
        static_dir=args.static or default_static_dir(),
        token=args.token,
    )
