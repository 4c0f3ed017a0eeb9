"""``pca feedback``: well-rated answers, with their SQL, as candidate verified queries.

Reads the feedback analysts gave in the chat (thumbs up/down) from the conversations store — the DynamoDB
table (``--table``, or ``PCA_CONVERSATIONS_TABLE``) or the embedded run's SQLite file — and lists every
question whose answer carries SQL and was rated up at least ``--min-up`` times more than down. Answers that
already came from a verified query are left out (they are verified). The output is a YAML stub per candidate
in the format of ``dbt_project/analyses/_analyses__verified_queries.yml``, for an analytics engineer to
review, name, parameterise and sign: promotion stays a human step.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import yaml


@dataclass
class Candidate:
    question: str
    sql: str
    up: int = 0
    down: int = 0
    answerer: str | None = None
    comments: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.up - self.down


def _normalise(question: str) -> str:
    return re.sub(r"\s+", " ", question.strip().lower()).rstrip("?.! ")


def candidates(feedback: Iterable[Mapping[str, Any]], *, min_up: int = 1) -> list[Candidate]:
    """Group ratings by (question, SQL); keep answers with SQL, not from a verified query, net ≥ ``min_up``."""
    grouped: dict[tuple[str, str], Candidate] = {}
    for entry in feedback:
        sql, question = entry.get("sql"), entry.get("question")
        provenance = entry.get("provenance") or {}
        if (
            not isinstance(sql, str)
            or not sql.strip()
            or not isinstance(question, str)
            or entry.get("refused")
        ):
            continue
        if isinstance(provenance, Mapping) and provenance.get("verified_query"):
            continue
        key = (_normalise(question), " ".join(sql.split()))
        candidate = grouped.setdefault(key, Candidate(question=question.strip(), sql=sql.strip()))
        if entry.get("rating") == "up":
            candidate.up += 1
        elif entry.get("rating") == "down":
            candidate.down += 1
        if entry.get("comment"):
            candidate.comments.append(str(entry["comment"]))
        candidate.message_ids.append(str(entry.get("message_id")))
        if isinstance(provenance, Mapping) and provenance.get("answerer"):
            candidate.answerer = str(provenance["answerer"])
    kept = [c for c in grouped.values() if c.up >= 1 and c.score >= min_up]
    return sorted(kept, key=lambda c: (-c.score, c.question))


def _stub_name(question: str) -> str:
    words = re.findall(r"[a-z0-9]+", question.lower())
    return "_".join(words[:8]) or "candidate"


def render(found: list[Candidate], out: TextIO) -> None:
    if not found:
        print(
            "# No candidates: no answer with SQL has been rated up (verified answers are excluded).", file=out
        )
        return
    print(
        f"# {len(found)} candidate verified quer{'y' if len(found) == 1 else 'ies'} from analysts' ratings.\n"
        "# Review each: check the SQL, choose a name, add paraphrases and parameters, then add it to\n"
        "# dbt_project/analyses/ (docs/verified-queries.md) and sign it with verified_by / verified_at.",
        file=out,
    )
    for candidate in found:
        entry = {
            "name": _stub_name(candidate.question),
            "question": candidate.question,
            "verified_by": None,
            "verified_at": None,
            "use_as_onboarding_question": False,
            "sql": candidate.sql,
            "feedback": {
                "up": candidate.up,
                "down": candidate.down,
                "answered_by": candidate.answerer,
                "comments": candidate.comments,
                "message_ids": candidate.message_ids,
            },
        }
        print("---", file=out)
        out.write(yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=110))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--table", default=os.environ.get("PCA_CONVERSATIONS_TABLE"), help="the conversations DynamoDB table"
    )
    parser.add_argument("--data-dir", default=None, help="embedded run's data folder (when no --table)")
    parser.add_argument("--min-up", type=int, default=1, help="net thumbs up required (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of YAML stubs")


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    if args.table:
        from lambdas.api_handler.store import DynamoStore

        entries = DynamoStore.from_name(args.table).feedback()
    else:
        from lambdas.api_handler.store import SqliteStore
        from orchestration.paths import data_paths

        path = data_paths(args.data_dir).root / "conversations.sqlite"
        if not path.is_file():
            print(
                f"error: no conversations store at {path}; pass --table for the deployed one", file=sys.stderr
            )
            return 1
        entries = SqliteStore(path).feedback()
    found = candidates(entries, min_up=args.min_up)
    if args.json:
        print(json.dumps([c.__dict__ for c in found], indent=2, ensure_ascii=False), file=out)
    else:
        render(found, out)
    return 0
