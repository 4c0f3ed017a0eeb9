"""``pca openapi``: write the chat API's OpenAPI document, generated from the routes and models.

``--check`` fails (exit 1) when the committed ``lambdas/api_handler/openapi.json`` differs from a fresh
generation, so the document the site and the fuzzing read can never drift from the code.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from orchestration.api_server import OPENAPI_FILE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="fail if the committed document is stale")
    parser.add_argument(
        "--out", type=Path, default=OPENAPI_FILE, help=f"where to write (default {OPENAPI_FILE})"
    )


def run(args: argparse.Namespace) -> int:
    from lambdas.api_handler.app import openapi_document

    fresh = openapi_document()
    if args.check:
        committed = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if committed == fresh:
            print(f"{args.out} is up to date")
            return 0
        diff = difflib.unified_diff(
            committed.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            str(args.out),
            "generated",
            n=2,
        )
        sys.stdout.writelines(list(diff)[:80])
        print(f"\n{args.out} is stale: run `pca openapi` (make api-openapi) and commit it", file=sys.stderr)
        return 1
    args.out.write_text(fresh, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
