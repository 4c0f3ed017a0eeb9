"""``pca ask "QUESTION"``: answer one question (verified queries first) and show the SQL, rows and source."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from lambdas.shared.answering.config import KNOWN_ANSWERERS, AnsweringConfig, ConfigurationError
from lambdas.shared.answering.model import Answer, AnsweringError, json_value
from orchestration.paths import data_paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question, in plain language")
    parser.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    parser.add_argument(
        "--answerer",
        action="append",
        choices=KNOWN_ANSWERERS,
        help="answerer to use (repeat for a chain); default: $PCA_ANSWERERS or verified + configured ones",
    )
    parser.add_argument("--session", default=None, help="session id, so a follow-up keeps its context")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="read relative dates against this day"
    )
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    parser.add_argument("--max-rows", type=int, default=20, help="rows to print in the table (default 20)")


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_rows: int = 20) -> str:
    """Rows as a plain-text table with a header rule; numbers right-aligned."""
    if not columns:
        return "(no columns)"
    shown = [[_cell(v) for v in row] for row in rows[:max_rows]]
    widths = [max([len(c), *(len(r[i]) for r in shown)]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(json_value(row[i]), int | float) for row in rows[:max_rows])
        for i in range(len(columns))
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if num else cell.ljust(w)
            for cell, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in shown]
    if len(rows) > max_rows:
        out.append(f"… {len(rows) - max_rows} more rows")
    return "\n".join(out)


def _cell(value: Any) -> str:
    value = json_value(value)
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 1e15 else str(value)
    return str(value)


def render_answer(answer: Answer, *, max_rows: int = 20) -> str:
    lines = [f"Q: {answer.question}", ""]
    if answer.refused:
        lines.append(answer.text)
        if answer.suggestions:
            lines += ["", "Questions I can answer:"] + [f"  - {s}" for s in answer.suggestions]
        lines += ["", f"Source: {answer.answerer} (no answer)"]
        return "\n".join(lines)
    lines.append(answer.text)
    if answer.sql:
        lines += ["", "SQL:", *(f"  {line}" for line in answer.sql.splitlines())]
    lines += ["", f"Rows ({len(answer.rows)}):", format_table(answer.columns, answer.rows, max_rows)]
    source = f"Source: {answer.answerer}"
    if answer.verified_query is not None:
        ref = answer.verified_query
        source += f" · verified query {ref.name}"
        if ref.verified_by:
            source += f" (verified by {ref.verified_by}" + (
                f" on {ref.verified_at})" if ref.verified_at else ")"
            )
    if answer.confidence is not None:
        source += f" · match confidence {answer.confidence:.2f}"
    if answer.session_id:
        source += f" · session {answer.session_id}"
    lines += ["", source]
    return "\n".join(lines)


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    from lambdas.shared.answering.setup import build_answerer, duckdb_engine

    try:
        config = AnsweringConfig.from_env()
        if args.today is not None:
            config = _with_today(config, args.today)
        engine = duckdb_engine(data_paths(args.data_dir))
        answerer = build_answerer(config, engine, names=args.answerer)
        answer = answerer.answer(args.question, session_id=args.session)
    except (ConfigurationError, AnsweringError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # engine errors (e.g. no warehouse yet) carry an actionable message
        from lambdas.shared.query_engines import QueryFailedError

        if isinstance(error, QueryFailedError):
            print(f"error: {error}", file=sys.stderr)
            return 1
        raise
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False), file=out)
    else:
        print(render_answer(answer, max_rows=args.max_rows), file=out)
    return 0


def _with_today(config: AnsweringConfig, today: dt.date) -> AnsweringConfig:
    import dataclasses

    return dataclasses.replace(config, today=today)


def answer_onboarding_questions(paths: Any, today: dt.date, out: TextIO = sys.stdout) -> list[Answer]:
    """Answer every onboarding question of the verified repository, then example metric questions through
    the semantic layer, offline (the last step of ``pca up``): the same chain ``pca ask`` uses."""
    from lambdas.shared.answering.chain import AnswerChain
    from lambdas.shared.answering.semantic import SemanticAnswerer
    from lambdas.shared.answering.setup import duckdb_engine, semantic_answerer, verified_answerer

    engine = duckdb_engine(paths)
    try:
        verified = verified_answerer(engine, today=lambda: today)
        semantic = semantic_answerer(engine, today=lambda: today)
        chain = AnswerChain([verified, semantic])
        questions = [spec.question for spec in verified.specs if spec.onboarding]
        metric_questions = semantic.suggestions() if isinstance(semantic, SemanticAnswerer) else []
        answers = [chain.answer(question) for question in questions + metric_questions]
    finally:
        engine.close()
    for answer in answers:
        status = "no answer" if answer.refused else f"{len(answer.rows)} row(s), {answer.answerer}"
        print(f"  Q: {answer.question}  [{status}]", file=out)
        print(f"     {answer.text.splitlines()[0]}", file=out)
    refused = sum(1 for a in answers if a.refused)
    by_semantic = sum(1 for a in answers if a.answerer == "semantic" and not a.refused)
    answered = len(answers) - refused
    print(
        f"  {answered}/{len(answers)} questions answered offline "
        f"({answered - by_semantic} from verified queries, {by_semantic} from the semantic layer's metrics)",
        file=out,
    )
    print('  Ask your own: pca ask "What was the average QA score per team last month?"', file=out)
    return answers
