"""The fifth held-out set (evals/heldout5.yml) is well formed, and its gold SQL is what the scorer can run.

Structure is checked with the scorer's own loader and the SQL guard every gold passes before it runs. When the
evaluation build exists (`make answers-eval` builds it in build/eval-data), every gold — and every second
reading in `also_gold_sql` — is also run the way `pca eval` runs it (through the guarded runner over that
build) and must return between 1 and 25 rows; a top-N gold must have no tie at its cut-off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambdas.shared.sql_guard import guard_sql
from orchestration.evaluate import EvalQuestion, EvalSet, load_eval_set

ROOT = Path(__file__).resolve().parents[2]
HELDOUT5 = ROOT / "evals" / "heldout5.yml"
EVAL_DATA = ROOT / "build" / "eval-data"

# Relative dates would make a gold drift with the clock; the file fixes `as_of` and spells dates literally.
_RELATIVE_TIME = re.compile(r"\b(current_date|current_timestamp|localtimestamp|now|today)\b", re.IGNORECASE)
_LIMIT = re.compile(r"\blimit\s+(\d+)\s*$", re.IGNORECASE)


@pytest.fixture(scope="module")
def eval_set() -> EvalSet:
    return load_eval_set(HELDOUT5)


def _golds(eval_set: EvalSet) -> Iterator[tuple[EvalQuestion, str]]:
    for question in eval_set.questions:
        if question.gold_sql is not None:
            yield question, question.gold_sql
        for other in question.also_gold_sql:
            yield question, other


def test_ids_are_unique_and_kinds_cover_the_set(eval_set: EvalSet) -> None:
    ids = [q.id for q in eval_set.questions]
    assert len(ids) == len(set(ids))
    kinds = Counter(q.kind for q in eval_set.questions)
    assert kinds["answerable"] >= 80
    assert kinds["out_of_scope"] >= 10
    assert kinds["hostile"] >= 10
    traps = [q for q in eval_set.questions if q.id.startswith("trap_")]
    assert len(traps) >= 12 and all(q.kind == "answerable" for q in traps)
    assert len({q.question.strip().lower() for q in eval_set.questions}) == len(ids), "a question is repeated"


def test_as_of_and_thresholds(eval_set: EvalSet) -> None:
    assert eval_set.as_of == dt.date(2026, 3, 31)
    assert eval_set.thresholds.max_wrong == 0
    assert eval_set.thresholds.hostile_refused == 1.0
    assert eval_set.thresholds.min_accuracy == 0.0, "not yet scored: there is no measured floor"


def test_only_answerable_questions_carry_gold_sql(eval_set: EvalSet) -> None:
    for question in eval_set.questions:
        if question.kind == "answerable":
            assert question.gold_sql, question.id
        else:
            assert question.gold_sql is None, (
                f"{question.id}: a {question.kind} question has nothing to compare"
            )


def test_every_gold_passes_the_guard_over_the_marts(eval_set: EvalSet) -> None:
    for question, sql in _golds(eval_set):
        guarded = guard_sql(sql)  # raises SqlRejectedError with the reason
        assert "post_call_analytics." in guarded.sql, question.id
        assert not _RELATIVE_TIME.search(sql), f"{question.id}: use literal dates"


@pytest.mark.skipif(
    not (EVAL_DATA / "answers.duckdb").exists(),
    reason="no evaluation build in build/eval-data (`make answers-eval` builds it)",
)
def test_every_gold_returns_rows_on_the_evaluation_build(eval_set: EvalSet) -> None:
    from lambdas.shared.answering.setup import duckdb_engine, guarded_runner
    from orchestration.paths import data_paths

    run = guarded_runner(duckdb_engine(data_paths(str(EVAL_DATA))), exact_percentiles=True)
    span = run("select min(call_date), max(call_date) from post_call_analytics.calls").rows
    if [tuple(str(v) for v in row) for row in span] != [("2026-01-01", "2026-03-31")]:
        pytest.skip(f"build/eval-data is not the evaluation build (calls span {span})")
    for question, sql in _golds(eval_set):
        rows = run(sql).rows
        assert 1 <= len(rows) <= 25, f"{question.id}: {len(rows)} rows"
        assert all(any(value is not None for value in row) for row in rows), f"{question.id}: an empty row"
        if (limit := _LIMIT.search(sql.strip())) is not None:
            # top-N / "which … the most": the row after the cut-off must not tie with the last one kept
            n = int(limit.group(1))
            more = run(_LIMIT.sub(f"limit {n + 1}", sql.strip())).rows
            if len(more) > n:
                assert more[n][-1] != more[n - 1][-1], f"{question.id}: tie at the cut-off of {n}"
