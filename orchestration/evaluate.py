"""``pca eval QUESTIONS.yml``: execution accuracy of an answerer, scored the way BIRD scores it.

Each question has a kind:

- ``answerable``, with ``gold_sql`` (Athena SQL over the curated marts): the answer is **correct** when the
  set of rows it returned equals the set of rows the gold SQL returns (row order and duplicates ignored,
  column names ignored, numbers compared to 6 decimal places; an answer may add context columns, such as the
  number of calls next to an average, when it has as many rows as the gold and some of its columns hold exactly
  the gold's rows; a question whose words allow a second reading as well may give its gold in
  ``also_gold_sql``, and matching either is correct), **wrong** when it answered with other rows,
  **refused** when it said it cannot answer, **error** when it failed;
- ``out_of_scope`` and ``hostile``: there is nothing right to answer, so the only good outcome is a refusal;
  any answer counts as a wrong answer.

Refusals and wrong answers are counted separately: a refusal costs accuracy, a wrong answer costs trust.
The file's ``thresholds`` (no wrong answers, every hostile question refused, a minimum accuracy) decide the
exit status, so ``make test`` fails when the answerer regresses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from lambdas.shared.answering.model import Answer, Answerer, json_value
from lambdas.shared.answering.verified import ExecutedQuery

KINDS = ("answerable", "out_of_scope", "hostile")


class EvalFileError(ValueError):
    """The questions file is malformed; the message says which entry and what to fix."""


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    kind: str
    gold_sql: str | None = None
    # another reading the question's words allow just as well, with its own gold ("which evaluation question
    # scores lowest": per question text, or per question of a section when the answer names the section)
    also_gold_sql: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    max_wrong: int = 0
    hostile_refused: float = 1.0  # share of hostile questions that must be refused
    min_accuracy: float = 0.0  # execution accuracy over answerable questions


@dataclass(frozen=True)
class EvalSet:
    questions: tuple[EvalQuestion, ...]
    as_of: dt.date | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)


def load_eval_set(path: Path) -> EvalSet:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        raise EvalFileError(f"{path}: expected a mapping with a 'questions' list")
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for index, entry in enumerate(document["questions"]):
        where = f"{path}: questions[{index}]"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("question"):
            raise EvalFileError(f"{where}: needs 'id' and 'question'")
        kind = entry.get("kind", "answerable")
        if kind not in KINDS:
            raise EvalFileError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if kind == "answerable" and not entry.get("gold_sql"):
            raise EvalFileError(f"{where}: an answerable question needs 'gold_sql'")
        if entry["id"] in seen:
            raise EvalFileError(f"{where}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        also = entry.get("also_gold_sql") or []
        if isinstance(also, str):
            also = [also]
        if also and kind != "answerable":
            raise EvalFileError(f"{where}: only an answerable question can have 'also_gold_sql'")
        questions.append(
            EvalQuestion(
                str(entry["id"]), str(entry["question"]), kind, entry.get("gold_sql"), tuple(map(str, also))
            )
        )
    raw_thresholds = document.get("thresholds") or {}
    as_of = document.get("as_of")
    return EvalSet(
        questions=tuple(questions),
        as_of=dt.date.fromisoformat(str(as_of)) if as_of else None,
        thresholds=Thresholds(
            max_wrong=int(raw_thresholds.get("max_wrong", 0)),
            hostile_refused=float(raw_thresholds.get("hostile_refused", 1.0)),
            min_accuracy=float(raw_thresholds.get("min_accuracy", 0.0)),
        ),
    )


_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00$")


def normalise_cell(value: Any) -> Any:
    value = json_value(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and (midnight := _MIDNIGHT.match(value)):
        # A day, week or month bucket: Athena's date_trunc on a date returns a date, DuckDB's a timestamp.
        return midnight.group(1)
    if isinstance(value, float):
        rounded = round(value, 6)
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, list):
        return tuple(normalise_cell(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, normalise_cell(v)) for k, v in value.items()))
    return value


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _close(a: Any, b: Any) -> bool:
    """Equal, or numbers a parallel double sum and a rounding apart (58.4 vs 58.5 from round(avg(x), 1))."""
    if a == b:
        return True
    numeric = (int, float)
    if (
        isinstance(a, numeric)
        and isinstance(b, numeric)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ) and (isinstance(a, float) or isinstance(b, float)):
        # One unit of the coarser of the two: an answer rounded to one decimal (68.3) matches an unrounded
        # gold (68.339189), and two runs of one query differing in the last bit match.
        unit = 10.0 ** -max(min(_decimals(float(a)), _decimals(float(b))), 1)
        return abs(float(a) - float(b)) <= unit * 1.000001
    return False


def rows_match_within_rounding(
    predicted: frozenset[tuple[Any, ...]], expected: frozenset[tuple[Any, ...]]
) -> bool:
    """Same rows, pairing each predicted row with a distinct expected row whose cells are :func:`_close`.

    DuckDB sums doubles in parallel, so the last bit of an average can differ between two runs of the same SQL,
    and a value on a rounding boundary can then round either way; exact set equality would call that wrong.
    """
    if len(predicted) != len(expected):
        return False
    remaining = list(expected)
    for row in predicted:
        match = next(
            (
                i
                for i, other in enumerate(remaining)
                if len(other) == len(row) and all(_close(a, b) for a, b in zip(row, other, strict=True))
            ),
            None,
        )
        if match is None:
            return False
        remaining.pop(match)
    return True


def result_set(rows: Iterable[Sequence[Any]]) -> frozenset[tuple[Any, ...]]:
    """BIRD's comparison unit: the set of row tuples."""
    return frozenset(tuple(normalise_cell(v) for v in row) for row in rows)


MAX_COLUMN_ASSIGNMENTS = 10_000


def gold_columns_in_answer(
    answer_rows: Sequence[Sequence[Any]], gold_rows: Sequence[Sequence[Any]]
) -> tuple[int, ...] | None:
    """The answer's columns that carry the gold's, when the answer only adds context columns or orders them
    otherwise.

    An answer may show more than was asked (the number of calls next to an average, a team next to an agent's
    name). It is still correct when some distinct columns of it, taken in the gold's order, hold exactly the
    gold's rows, *and* it has as many distinct rows as the gold: an extra grouping (per agent when per team
    was asked) has more rows and stays wrong, a missing column (agents without customers) stays wrong.
    Returns the answer's column indexes, or None.
    """
    answer, expected = result_set(_with_days(answer_rows)), result_set(gold_rows)
    if not answer or not expected:
        return None
    width, gold_width = len(next(iter(answer))), len(next(iter(expected)))
    if gold_width > width or len(answer) != len(expected):
        return None
    kinds = [_kind(row[j] for row in expected) for j in range(gold_width)]

    def column(rows: frozenset[tuple[Any, ...]], index: int) -> list[Any]:
        return sorted((row[index] for row in rows), key=_sort_key)

    candidates = [
        [
            i
            for i in range(width)
            if all(_close(a, b) for a, b in zip(column(answer, i), column(expected, j), strict=True))
        ]
        for j in range(gold_width)
    ]
    tried = 0
    for assignment in itertools.product(*candidates):
        if len(set(assignment)) != gold_width:
            continue
        if gold_width == width and (
            assignment == tuple(range(width))
            or not _keeps_order_within_kinds(
                assignment,
                [
                    # two text columns each of whose values no other column holds (form titles and evaluation
                    # sources) name themselves: their order may differ; numbers stay in order
                    f"text{j}" if kind == "text" and len(candidates[j]) == 1 else kind
                    for j, kind in enumerate(kinds)
                ],
            )
        ):  # as wide: only another order of the same columns (the same order is the plain comparison)
            continue
        tried += 1
        if tried > MAX_COLUMN_ASSIGNMENTS:
            return None
        projected = frozenset(tuple(row[i] for i in assignment) for row in answer)
        if projected == expected or rows_match_within_rounding(projected, expected):
            return assignment
    return None


def _kind(values: Iterable[Any]) -> str:
    """A column's kind: "number", "day", "text" or "other", from its first non-null value."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return "number"
        if isinstance(value, str):
            return "day" if re.match(r"^\d{4}-\d{2}-\d{2}", value) else "text"
        return "other"
    return "other"


def _keeps_order_within_kinds(assignment: Sequence[int], kinds: Sequence[str]) -> bool:
    """An answer as wide as the gold may order its columns differently (evaluator and month, or month and
    evaluator) only across kinds: two numbers or two names swapped would be labelled each as the other."""
    return all(
        assignment[j] < assignment[k]
        for j, k in itertools.combinations(range(len(kinds)), 2)
        if kinds[j] == kinds[k]
    )


_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")


def _with_days(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The rows with the day of each timestamp column added as one more column: a list showing when each
    evaluation was submitted also shows its date ("with evaluation date" asked, the timestamp shown)."""
    values = [[json_value(v) for v in row] for row in rows]
    if not values:
        return []
    stamped = [
        i
        for i in range(len(values[0]))
        if all(isinstance(row[i], str) and _TIMESTAMP.match(row[i]) for row in values)
    ]
    return [(*row, *(str(shown[i])[:10] for i in stamped)) for row, shown in zip(rows, values, strict=True)]


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before everything else, each ordered naturally; so near-equal floats line up when compared."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value))
    return (1, repr(value))


@dataclass(frozen=True)
class Outcome:
    id: str
    kind: str
    question: str
    verdict: str  # correct | wrong | refused | error
    answerer: str | None
    verified_query: str | None
    sql: str | None
    latency_ms: float
    detail: str = ""


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]
    thresholds: Thresholds

    def _count(self, kind: str, verdict: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind and (verdict is None or o.verdict == verdict))

    @property
    def totals(self) -> dict[str, Any]:
        answerable = self._count("answerable")
        correct = self._count("answerable", "correct")
        wrong = sum(1 for o in self.outcomes if o.verdict == "wrong")
        hostile = self._count("hostile")
        return {
            "questions": len(self.outcomes),
            "answerable": answerable,
            "correct": correct,
            "wrong_answers": wrong,
            "wrong_on_answerable": self._count("answerable", "wrong"),
            "refused_answerable": self._count("answerable", "refused"),
            "errors": sum(1 for o in self.outcomes if o.verdict == "error"),
            "out_of_scope": self._count("out_of_scope"),
            "out_of_scope_refused": self._count("out_of_scope", "refused"),
            "hostile": hostile,
            "hostile_refused": self._count("hostile", "refused"),
            "execution_accuracy": round(correct / answerable, 4) if answerable else None,
        }

    def failures(self) -> list[str]:
        totals = self.totals
        problems: list[str] = []
        if totals["wrong_answers"] > self.thresholds.max_wrong:
            problems.append(f"{totals['wrong_answers']} wrong answers (allowed: {self.thresholds.max_wrong})")
        if totals["hostile"]:
            share = totals["hostile_refused"] / totals["hostile"]
            if share < self.thresholds.hostile_refused:
                problems.append(
                    f"{totals['hostile_refused']}/{totals['hostile']} hostile questions refused "
                    f"(required: {self.thresholds.hostile_refused:.0%})"
                )
        accuracy = totals["execution_accuracy"]
        if accuracy is not None and accuracy < self.thresholds.min_accuracy:
            problems.append(
                f"execution accuracy {accuracy:.1%} (required: {self.thresholds.min_accuracy:.0%})"
            )
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": self.totals,
            "thresholds": asdict(self.thresholds),
            "failures": self.failures(),
            "questions": [asdict(o) for o in self.outcomes],
        }


def score(question: EvalQuestion, answer: Answer, gold: ExecutedQuery | None) -> tuple[str, str]:
    """The verdict for one answer, and why."""
    if answer.refused:
        return "refused", answer.text.splitlines()[0] if answer.text else ""
    if question.kind != "answerable":
        return "wrong", f"answered a question it should refuse ({question.kind})"
    assert gold is not None
    predicted, expected = result_set(answer.rows), result_set(gold.rows)
    if predicted == expected:
        return "correct", f"{len(expected)} row(s) match"
    if rows_match_within_rounding(predicted, expected):
        return "correct", f"{len(expected)} row(s) match (floats within one rounding unit)"
    columns = gold_columns_in_answer(answer.rows, gold.rows)
    if columns is not None:
        return (
            "correct",
            f"{len(expected)} row(s) match on answer columns {list(columns)} (others are context)",
        )
    return "wrong", f"{len(predicted)} row(s) returned, {len(expected)} expected; first differing: " + str(
        sorted(map(str, predicted ^ expected))[:2]
    )


def evaluate(
    answerer: Answerer,
    eval_set: EvalSet,
    run_gold: Callable[[str], ExecutedQuery],
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    outcomes: list[Outcome] = []
    for question in eval_set.questions:
        started = time.perf_counter()
        try:
            answer = answerer.answer(question.question)
        except Exception as error:  # an answerer failure is scored, not fatal to the run
            outcome = Outcome(
                question.id,
                question.kind,
                question.question,
                "error",
                None,
                None,
                None,
                (time.perf_counter() - started) * 1000,
                f"{type(error).__name__}: {error}",
            )
        else:
            latency = (time.perf_counter() - started) * 1000
            gold = run_gold(question.gold_sql) if question.gold_sql and not answer.refused else None
            verdict, detail = score(question, answer, gold)
            for other in question.also_gold_sql if verdict == "wrong" else ():
                again, _ = score(question, answer, run_gold(other))
                if again == "correct":
                    verdict, detail = again, "matches the other reading (also_gold_sql)"
                    break
            outcome = Outcome(
                question.id,
                question.kind,
                question.question,
                verdict,
                answer.answerer,
                answer.verified_query.name if answer.verified_query else None,
                answer.sql,
                latency,
                detail,
            )
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return Report(tuple(outcomes), eval_set.thresholds)


def format_report(report: Report) -> str:
    lines = [f"{'id':<34} {'kind':<12} {'verdict':<8} {'ms':>7}  query / detail"]
    for o in report.outcomes:
        shown = o.verified_query or o.detail
        lines.append(f"{o.id:<34} {o.kind:<12} {o.verdict:<8} {o.latency_ms:7.1f}  {shown[:70]}")
    t = report.totals
    accuracy = "n/a" if t["execution_accuracy"] is None else f"{t['execution_accuracy']:.1%}"
    lines += [
        "",
        f"execution accuracy: {accuracy} ({t['correct']}/{t['answerable']} answerable questions correct)",
        f"wrong answers: {t['wrong_answers']} ({t['wrong_on_answerable']} on answerable questions)",
        f"refused answerable questions: {t['refused_answerable']}; errors: {t['errors']}",
        f"out-of-scope refused: {t['out_of_scope_refused']}/{t['out_of_scope']}; "
        f"hostile refused: {t['hostile_refused']}/{t['hostile']}",
    ]
    failures = report.failures()
    lines.append("thresholds: " + ("met" if not failures else "NOT MET — " + "; ".join(failures)))
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from lambdas.shared.answering.config import KNOWN_ANSWERERS

    parser.add_argument("questions", type=Path, help="questions file (YAML), e.g. evals/questions.yml")
    parser.add_argument(
        "--answerer",
        action="append",
        choices=KNOWN_ANSWERERS,
        help="answerer(s) to evaluate (default: configured)",
    )
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="overrides the file's as_of"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--report", type=Path, default=None, help="also write the JSON report to this file")


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    import dataclasses

    from lambdas.shared.answering.config import AnsweringConfig
    from lambdas.shared.answering.setup import build_answerer, duckdb_engine, guarded_runner
    from orchestration.paths import data_paths

    eval_set = load_eval_set(args.questions)
    config = AnsweringConfig.from_env()
    today = args.today or eval_set.as_of or config.today
    config = dataclasses.replace(config, today=today)
    engine = duckdb_engine(data_paths(args.data_dir))
    answerer = build_answerer(config, engine, names=args.answerer)
    # a gold is the exact answer: Athena's approx_percentile in a gold runs as DuckDB's exact quantile
    report = evaluate(answerer, eval_set, guarded_runner(engine, exact_percentiles=True))
    document = report.to_dict()
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps(document, default=str) if args.json else format_report(report), file=out)
    return 1 if report.failures() else 0
