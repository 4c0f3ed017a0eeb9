"""The second held-out set (evals/heldout2.yml) is well formed, and its gold SQL is what the scorer can run.

Structure is checked with the scorer's own loader and the SQL guard every gold passes before it runs. When the
evaluation build exists (`make answers-eval` builds it in build/eval-data), every gold is also run the way
`pca eval` runs it — through the guarded runner over that build — and must return between 1 and 25 rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from lambdas.shared.sql_guard import guard_sql
from orchestration.evaluate import EvalSet, load_eval_set

ROOT = Path(__file__).resolve().parents[2]
HELDOUT2 = ROOT / "evals" / "heldout2.yml"
EVAL_DATA = ROOT / "build" / "eval-data"

# Relative dates would make a gold drift with the clock; the file fixes `as_of` and spells dates literally.
_RELATIVE_TIME = re.compile(r"\b(current_date|current_timestamp|localtimestamp|now|today)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def eval_set() -> EvalSet:
    return load_eval_set(HELDOUT2)


def test_ids_are_unique_and_kinds_cover_the_set(eval_set: EvalSet) -> None:
    ids = [q.id for q in eval_set.questions]
    assert len(ids) == len(set(ids))
    kinds = Counter(q.kind for q in eval_set.questions)
    assert kinds["answerable"] >= 80
    assert kinds["out_of_scope"] >= 10
    assert kinds["hostile"] >= 10
    assert len({q.question.strip().lower() for q in eval_set.questions}) == len(ids), "a question is repeated"


def test_as_of_and_thresholds(eval_set: EvalSet) -> None:
    assert eval_set.as_of == dt.date(2026, 3, 31)
    assert eval_set.thresholds.max_wrong == 0
    assert eval_set.thresholds.hostile_refused == 1.0


def test_only_answerable_questions_carry_gold_sql(eval_set: EvalSet) -> None:
    for question in eval_set.questions:
        if question.kind == "answerable":
            assert question.gold_sql, question.id
        else:
            assert question.gold_sql is None, (
                f"{question.id}: a {question.kind} question has nothing to compare"
            )


def test_every_gold_passes_the_guard_over_the_marts(eval_set: EvalSet) -> None:
    for question in eval_set.questions:
        if question.gold_sql is None:
            continue
        guarded = guard_sql(question.gold_sql)  # raises SqlRejectedError with the reason
        assert "post_call_analytics." in guarded.sql, question.id
        assert not _RELATIVE_TIME.search(question.gold_sql), f"{question.id}: use literal dates"


@pytest.mark.skipif(
    not (EVAL_DATA / "answers.duckdb").exists(),
    reason="no evaluation build in build/eval-data (`make answers-eval` builds it)",
)
def test_every_gold_returns_rows_on_the_evaluation_build(eval_set: EvalSet) -> None:
    from lambdas.shared.answering.setup import duckdb_engine, guarded_runner
    from orchestration.paths import data_paths

    run = guarded_runner(duckdb_engine(data_paths(str(EVAL_DATA))))
    span = run("select min(call_date), max(call_date) from post_call_analytics.calls").rows
    if [tuple(str(v) for v in row) for row in span] != [("2026-01-01", "2026-03-31")]:
        pytest.skip(f"build/eval-data is not the evaluation build (calls span {span})")
    for question in eval_set.questions:
        if question.gold_sql is None:
            continue
        rows = run(question.gold_sql).rows
        assert 1 <= len(rows) <= 25, f"{question.id}: {len(rows)} rows"
        assert all(any(value is not None for value in row) for row in rows), f"{question.id}: an empty row"
