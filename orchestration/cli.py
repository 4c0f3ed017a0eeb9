"""The `pca` command line: one entry point, one sub-command per module.

Each sub-command lives in its own module, which exposes ``add_arguments(parser)`` and ``run(args) -> int``.
Add a command by adding a line to ``COMMANDS``; modules are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": (
        "orchestration.generate",
        "Generate a synthetic contact centre (calls, scorecards, transcripts)",
    ),
    "replay": ("orchestration.replay", "Replay the generated change feed through the stream processor"),
    "up": ("orchestration.local_run", "Run the whole embedded pipeline end to end"),
    "dbt": ("orchestration.dbt_runner", "Build, parse or document the dbt project (DuckDB locally, Athena)"),
    "agent-artifacts": ("orchestration.agent_artifacts", "Build the agent's knowledge from dbt"),
    "serve": ("orchestration.api_server", "Serve the chat API (and the built chat site) on 127.0.0.1"),
    "openapi": ("orchestration.openapi", "Write (or --check) the chat API's OpenAPI document"),
    "feedback": ("orchestration.feedback", "List well-rated answers as candidate verified queries"),
    "ask": ("orchestration.ask", "Answer a question (verified queries first) with its SQL and rows"),
    "eval": (
        "orchestration.evaluate",
        "Score an answerer on a questions file (BIRD-style execution accuracy)",
    ),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (so one command's dependencies never slow another)."""
    parser = argparse.ArgumentParser(prog="pca", description="post-call-analytics command line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
            command_parser.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = arguments[0] if arguments and arguments[0] in COMMANDS else None
    args = build_parser(command).parse_args(arguments)
    result: int = args._module.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
