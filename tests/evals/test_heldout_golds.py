"""The held-out sets (evals/heldout2.yml … heldout37.yml) are well formed, and their gold SQL is what the scorer
can run.

Structure is checked with the scorer's own loader and the SQL guard every gold passes before it runs. When the
evaluation build exists (`make answers-eval` builds it in build/eval-data), every gold — and every second
reading in `also_gold_sql` — is also run the way `pca eval` runs it (through the guarded runner over that
build, with exact percentiles) and must return between 1 and 25 rows; a top-N gold must have no tie at its
cut-off (checked from the third set on, whose authors checked it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lambdas.shared.sql_guard import guard_sql
from orchestration.evaluate import EvalQuestion, EvalSet, load_eval_set

ROOT = Path(__file__).resolve().parents[2]
EVAL_DATA = ROOT / "build" / "eval-data"

# Relative dates would make a gold drift with the clock; the files fix `as_of` and spell dates literally.
_RELATIVE_TIME = re.compile(r"\b(current_date|current_timestamp|localtimestamp|now|today)\b", re.IGNORECASE)
_LIMIT = re.compile(r"\blimit\s+(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class HeldOut:
    name: str
    traps: int  # questions with `trap_` ids (shape traps), at least
    ties_checked: bool  # its author checked top-N cut-offs for ties
    scored: bool  # scored once, blind: it has a measured floor

    @property
    def path(self) -> Path:
        return ROOT / "evals" / self.name


SETS = [
    HeldOut("heldout2.yml", traps=0, ties_checked=False, scored=True),
    HeldOut("heldout3.yml", traps=12, ties_checked=True, scored=True),
    HeldOut("heldout4.yml", traps=12, ties_checked=True, scored=True),
    HeldOut("heldout5.yml", traps=12, ties_checked=True, scored=True),
    HeldOut("heldout6.yml", traps=12, ties_checked=True, scored=True),
    HeldOut("heldout7.yml", traps=12, ties_checked=True, scored=True),
    HeldOut("heldout8.yml", traps=12, ties_checked=True, scored=True),
    HeldOut("heldout9.yml", traps=15, ties_checked=True, scored=True),
    HeldOut("heldout10.yml", traps=16, ties_checked=True, scored=True),
    HeldOut("heldout11.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout12.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout13.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout14.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout15.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout16.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout17.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout18.yml", traps=17, ties_checked=True, scored=True),
    HeldOut("heldout19.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout20.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout21.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout22.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout23.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout24.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout25.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout26.yml", traps=19, ties_checked=True, scored=True),
    HeldOut("heldout27.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout28.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout29.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout30.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout31.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout32.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout33.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout34.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout35.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout36.yml", traps=18, ties_checked=True, scored=True),
    HeldOut("heldout37.yml", traps=18, ties_checked=True, scored=True),
]


@pytest.fixture(scope="module", params=SETS, ids=[s.name for s in SETS])
def held_out(request: pytest.FixtureRequest) -> tuple[HeldOut, EvalSet]:
    spec: HeldOut = request.param
    return spec, load_eval_set(spec.path)


def _golds(eval_set: EvalSet) -> Iterator[tuple[EvalQuestion, str]]:
    for question in eval_set.questions:
        if question.gold_sql is not None:
            yield question, question.gold_sql
        for other in question.also_gold_sql:
            yield question, other


def test_ids_are_unique_and_kinds_cover_the_set(held_out: tuple[HeldOut, EvalSet]) -> None:
    spec, eval_set = held_out
    ids = [q.id for q in eval_set.questions]
    assert len(ids) == len(set(ids))
    kinds = Counter(q.kind for q in eval_set.questions)
    assert kinds["answerable"] >= 80
    assert kinds["out_of_scope"] >= 10
    assert kinds["hostile"] >= 10
    traps = [q for q in eval_set.questions if q.id.startswith("trap_")]
    assert len(traps) >= spec.traps and all(q.kind == "answerable" for q in traps)
    assert len({q.question.strip().lower() for q in eval_set.questions}) == len(ids), "a question is repeated"


def test_as_of_and_thresholds(held_out: tuple[HeldOut, EvalSet]) -> None:
    spec, eval_set = held_out
    assert eval_set.as_of == dt.date(2026, 3, 31)
    assert eval_set.thresholds.max_wrong == 0
    assert eval_set.thresholds.hostile_refused == 1.0
    if not spec.scored:
        assert eval_set.thresholds.min_accuracy == 0.0, "not yet scored: there is no measured floor"


def test_every_scored_set_is_gated_by_answers_eval(held_out: tuple[HeldOut, EvalSet]) -> None:
    spec, _ = held_out
    text = (ROOT / "mk" / "answers.mk").read_text(encoding="utf-8")
    listed = re.search(r"^EVAL_SETS\s*:=\s*(.*)$", text, re.MULTILINE)
    assert listed is not None, "mk/answers.mk lists the scored sets in EVAL_SETS"
    gated = spec.name.removesuffix(".yml") in listed.group(1).split()
    assert gated is spec.scored, f"{spec.name}: a set is gated once it has been scored blind, and only then"


def test_only_answerable_questions_carry_gold_sql(held_out: tuple[HeldOut, EvalSet]) -> None:
    _, eval_set = held_out
    for question in eval_set.questions:
        if question.kind == "answerable":
            assert question.gold_sql, question.id
        else:
            assert question.gold_sql is None, (
                f"{question.id}: a {question.kind} question has nothing to compare"
            )


def test_every_gold_passes_the_guard_over_the_marts(held_out: tuple[HeldOut, EvalSet]) -> None:
    _, eval_set = held_out
    for question, sql in _golds(eval_set):
        guarded = guard_sql(sql)  # raises SqlRejectedError with the reason
        assert "post_call_analytics." in guarded.sql, question.id
        assert not _RELATIVE_TIME.search(sql), f"{question.id}: use literal dates"


@pytest.mark.skipif(
    not (EVAL_DATA / "answers.duckdb").exists(),
    reason="no evaluation build in build/eval-data (`make answers-eval` builds it)",
)
def test_every_gold_returns_rows_on_the_evaluation_build(held_out: tuple[HeldOut, EvalSet]) -> None:
    from lambdas.shared.answering.setup import duckdb_engine, guarded_runner
    from orchestration.paths import data_paths

    spec, eval_set = held_out
    run = guarded_runner(duckdb_engine(data_paths(str(EVAL_DATA))), exact_percentiles=True)
    span = run("select min(call_date), max(call_date) from post_call_analytics.calls").rows
    if [tuple(str(v) for v in row) for row in span] != [("2026-01-01", "2026-03-31")]:
        pytest.skip(f"build/eval-data is not the evaluation build (calls span {span})")
    for question, sql in _golds(eval_set):
        rows = run(sql).rows
        assert 1 <= len(rows) <= 25, f"{question.id}: {len(rows)} rows"
        assert all(any(value is not None for value in row) for row in rows), f"{question.id}: an empty row"
        if spec.ties_checked and (limit := _LIMIT.search(sql.strip())) is not None:
            # top-N / "which … the most": the row after the cut-off must not tie with the last one kept
            n = int(limit.group(1))
            more = run(_LIMIT.sub(f"limit {n + 1}", sql.strip())).rows
            if len(more) > n:
                assert more[n][-1] != more[n - 1][-1], f"{question.id}: tie at the cut-off of {n}"
