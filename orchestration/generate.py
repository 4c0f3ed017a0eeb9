"""``pca generate``: a deterministic synthetic contact centre in DynamoDB shapes."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime, timedelta

from orchestration.paths import data_paths
from orchestration.synthetic.feed import GenerateOptions, generate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--calls", type=int, default=3000, help="number of calls (default 3000)")
    parser.add_argument(
        "--days", type=int, default=90, help="days of history ending on --end-date (default 90)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed: same seed and dates, same data")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="last day generated, YYYY-MM-DD (default: yesterday, UTC)",
    )
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    parser.add_argument(
        "--no-transcripts",
        action="store_true",
        help="skip the Transcribe documents (faster for large volumes)",
    )
    parser.add_argument(
        "--transcribe-bucket",
        default="transcribe-output",
        help="bucket name used in transcript_uri (default transcribe-output)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    options = GenerateOptions(
        calls=args.calls,
        days=args.days,
        seed=args.seed,
        end_date=args.end_date or (datetime.now(UTC).date() - timedelta(days=1)),
        transcripts=not args.no_transcripts,
        transcribe_bucket=args.transcribe_bucket,
        progress=not args.quiet,
    )
    summary = generate(paths, options)
    print(json.dumps(summary.as_dict(), indent=2))
    print(f"written under {paths.root}")
    return 0
