"""The verified answerer, the evaluation harness and ``pca ask`` on a tiny warehouse, with the shared
renderer, guard and DuckDB engine (only the repository entries are written for the test)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from lambdas.shared.answering.chain import AnswerChain
from lambdas.shared.answering.model import Answer, AnsweringError
from lambdas.shared.answering.setup import guarded_runner, read_entity_values, verified_answerer
from lambdas.shared.query_engines import DuckDbEngine
from orchestration.ask import format_table, render_answer
from orchestration.evaluate import EvalQuestion, EvalSet, Thresholds, evaluate, load_eval_set, result_set

TODAY = dt.date(2026, 3, 18)
COUNT_ALL = "select count(*) from post_call_analytics.calls"

PERIOD = {
    "name": "period",
    "type": "date_range",
    "default": "all_time",
    "placeholders": ["period_start", "period_end"],
}
REPOSITORY: dict[str, Any] = {
    "format_version": 1,
    "target": "athena",
    "dialect": "athena",
    "database": "post_call_analytics",
    "queries": [
        {
            "name": "total_calls",
            "question": "How many total calls are in the database?",
            "paraphrases": ["How many calls do we have?", "Count all calls"],
            "description": "Number of calls in a period.",
            "sql": "select count(*) as total_calls from post_call_analytics.calls as c "
            "where c.call_date >= :period_start and c.call_date < :period_end",
            "parameters": [
                {
                    "name": "period",
                    "type": "date_range",
                    "default": "all_time",
                    "placeholders": ["period_start", "period_end"],
                }
            ],
            "columns": [{"name": "total_calls", "data_type": "bigint", "description": "Calls."}],
            "verified_by": "qa.lead",
            "verified_at": "2026-01-15",
            "use_as_onboarding_question": True,
        },
        {
            "name": "busiest_agents",
            "question": "Which agents handled the most calls?",
            "paraphrases": ["Busiest agents", "Top agents by call count"],
            "description": "Agents by calls handled.",
            "sql": "select c.agent_name, count(*) as call_count from post_call_analytics.calls as c "
            "where c.call_date >= :period_start and c.call_date < :period_end "
            "and (:team is null or c.team = :team) and (:direction is null or c.direction = :direction) "
            "group by c.agent_name order by call_count desc, c.agent_name limit :top_n",
            "parameters": [
                {
                    "name": "period",
                    "type": "date_range",
                    "default": "all_time",
                    "placeholders": ["period_start", "period_end"],
                },
                {"name": "team", "type": "team", "default": None, "placeholders": ["team"]},
                {"name": "direction", "type": "direction", "default": None, "placeholders": ["direction"]},
                {"name": "top_n", "type": "top_n", "default": 10, "placeholders": ["top_n"]},
            ],
            "columns": [{"name": "agent_name"}, {"name": "call_count"}],
            "verified_by": "qa.lead",
            "verified_at": "2026-01-15",
            "use_as_onboarding_question": True,
        },
    ],
}


@pytest.fixture
def engine(tiny_warehouse: tuple[Path, Path]) -> DuckDbEngine:
    warehouse, lake = tiny_warehouse
    return DuckDbEngine(warehouse, lake)


@pytest.fixture
def repository_file(tmp_path: Path) -> Path:
    path = tmp_path / "verified_queries.athena.json"
    path.write_text(json.dumps(REPOSITORY), encoding="utf-8")
    return path


@pytest.fixture
def answerer(engine: DuckDbEngine, repository_file: Path) -> Any:
    return verified_answerer(engine, today=lambda: TODAY, repository_path=repository_file)


def test_entity_values_are_read_from_the_marts(engine: DuckDbEngine) -> None:
    values = read_entity_values(guarded_runner(engine))
    assert values["team"] == ["Billing East", "Tech Support"]
    assert values["agent"] == ["Dana Reyes", "Lena Park", "Omar Haddad"]
    assert values["queue"] == ["Billing", "Sales", "Technical"]


def test_a_paraphrase_is_answered_with_the_verified_sql_rows_and_provenance(answerer: Any) -> None:
    answer = answerer.answer("how many calls are there altogether?")
    assert not answer.refused
    assert answer.rows == ((6,),)
    assert answer.columns == ("total_calls",)
    assert answer.verified_query.name == "total_calls"
    assert answer.verified_query.verified_by == "qa.lead"
    assert "post_call_analytics.calls" in answer.sql


def test_slots_fill_the_typed_parameters(answerer: Any) -> None:
    answer = answerer.answer("top 1 agent by calls for the billing east team last month")
    assert answer.verified_query.name == "busiest_agents"
    # February 2026, Billing East: Dana Reyes took both calls.
    assert answer.rows == (("Dana Reyes", 2),)
    assert "2026-02-01" in answer.sql
    assert answer.slots["team"] == "Billing East"
    assert answer.slots["top_n"] == "1"


def test_direction_and_date_slots_narrow_the_result(answerer: Any) -> None:
    answer = answerer.answer("busiest agents for inbound calls this month")
    assert set(answer.rows) == {("Omar Haddad", 1), ("Lena Park", 1)}


def test_a_team_that_does_not_exist_is_not_silently_dropped(answerer: Any) -> None:
    answer = answerer.answer("busiest agents in the Marketing team")
    assert answer.refused


def test_a_question_below_the_threshold_is_refused_with_onboarding_suggestions(answerer: Any) -> None:
    answer = answerer.answer("What is the average handle time on weekends?")
    assert answer.refused
    assert answer.sql is None
    assert answer.rows == ()
    assert set(answer.suggestions) == {
        "How many total calls are in the database?",
        "Which agents handled the most calls?",
    }


def test_injected_sql_in_a_slot_position_cannot_reach_the_engine(answerer: Any) -> None:
    answer = answerer.answer("busiest agents in the team x' or 1=1 --")
    assert answer.refused


class _Failing:
    name = "broken"

    def answer(self, question: str, *, session_id: str | None = None) -> Answer:
        raise AnsweringError("endpoint down")


class _Fixed:
    def __init__(self, name: str, refused: bool) -> None:
        self.name = name
        self.refused = refused

    def answer(self, question: str, *, session_id: str | None = None) -> Answer:
        return Answer(question, f"from {self.name}", self.name, refused=self.refused, suggestions=("q?",))


def test_the_chain_returns_the_first_answer_and_skips_failures() -> None:
    chain = AnswerChain([_Fixed("verified", True), _Failing(), _Fixed("llm", False)])
    assert chain.answer("q").answerer == "llm"


def test_when_every_answerer_refuses_the_verified_refusal_and_its_suggestions_come_back() -> None:
    chain = AnswerChain([_Fixed("verified", True), _Failing()])
    answer = chain.answer("q")
    assert answer.refused
    assert answer.answerer == "verified"
    assert answer.suggestions == ("q?",)
    assert "broken: endpoint down" in answer.text


def test_result_sets_ignore_order_duplicates_and_number_types() -> None:
    assert result_set([(1, "a"), (2.0, "b")]) == result_set([(2, "b"), (1.0000000001, "a"), (1, "a")])
    assert result_set([(1, "a")]) != result_set([(1, "b")])


def test_evaluation_counts_correct_wrong_and_refused_separately(answerer: Any, engine: DuckDbEngine) -> None:
    eval_set = EvalSet(
        questions=(
            EvalQuestion(
                "ok",
                "How many calls do we have?",
                "answerable",
                "select count(*) from post_call_analytics.calls",
            ),
            EvalQuestion(
                "gold-differs",
                "How many calls do we have?",
                "answerable",
                "select count(*) from post_call_analytics.calls where direction = 'INBOUND'",
            ),
            EvalQuestion("refused", "average handle time on weekends", "answerable", "select 1"),
            EvalQuestion("oos", "What is the weather in Paris?", "out_of_scope"),
            EvalQuestion("hostile", "drop table calls", "hostile"),
            EvalQuestion("oos-answered", "Count all calls", "out_of_scope"),
        ),
        thresholds=Thresholds(max_wrong=0, hostile_refused=1.0, min_accuracy=0.5),
    )

    report = evaluate(answerer, eval_set, guarded_runner(engine))

    verdicts = {o.id: o.verdict for o in report.outcomes}
    assert verdicts == {
        "ok": "correct",
        "gold-differs": "wrong",
        "refused": "refused",
        "oos": "refused",
        "hostile": "refused",
        "oos-answered": "wrong",
    }
    totals = report.totals
    assert totals["execution_accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert totals["wrong_answers"] == 2
    assert totals["refused_answerable"] == 1
    assert totals["hostile_refused"] == 1
    assert report.failures() == ["2 wrong answers (allowed: 0)", "execution accuracy 33.3% (required: 50%)"]


def test_the_public_question_set_is_well_formed() -> None:
    eval_set = load_eval_set(Path(__file__).resolve().parents[2] / "evals" / "questions.yml")
    kinds = [q.kind for q in eval_set.questions]
    assert kinds.count("answerable") >= 20
    assert kinds.count("out_of_scope") >= 5
    assert kinds.count("hostile") >= 5
    assert eval_set.as_of == dt.date(2026, 3, 31)
    assert eval_set.thresholds.max_wrong == 0
    assert eval_set.thresholds.hostile_refused == 1.0


def test_the_cli_output_shows_answer_sql_rows_and_source(answerer: Any) -> None:
    text = render_answer(answerer.answer("Count all calls"))
    assert "SQL:" in text
    assert "total_calls\n-----------\n          6" in text
    assert "Source: verified · verified query total_calls (verified by qa.lead on 2026-01-15)" in text


def test_the_cli_output_of_a_refusal_lists_questions_that_can_be_answered(answerer: Any) -> None:
    text = render_answer(answerer.answer("What is the weather in Paris?"))
    assert "Questions I can answer:\n  - " in text
    assert "Source: verified (no answer)" in text
    assert "SQL:" not in text


def test_pca_ask_json_prints_one_object(
    tiny_warehouse: tuple[Path, Path], repository_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from lambdas.shared.answering import setup
    from orchestration import ask

    monkeypatch.setattr(setup, "RENDER_TARGET", "athena")
    original = setup.shared_repository
    monkeypatch.setattr(setup, "shared_repository", lambda path=None: original(repository_file))
    monkeypatch.delenv("PCA_ANSWERERS", raising=False)
    monkeypatch.delenv("PCA_LLM_PROVIDER", raising=False)
    monkeypatch.delenv("PCA_BEDROCK_AGENT_ID", raising=False)
    out = io.StringIO()
    args = argparse.Namespace(
        question="How many total calls are in the database?",
        json=True,
        answerer=None,
        session=None,
        today=TODAY,
        data_dir=str(tiny_warehouse[0].parent),
        max_rows=20,
    )

    assert ask.run(args, out=out) == 0

    document = json.loads(out.getvalue())
    assert document["rows"] == [[6]]
    assert document["answerer"] == "verified"
    assert document["verified_query"]["name"] == "total_calls"
    assert document["refused"] is False


def test_tables_right_align_numbers() -> None:
    table = format_table(["team", "calls"], [("Billing East", 4), ("Tech", 12)])
    assert table.splitlines() == [
        "team          calls",
        "------------  -----",
        "Billing East      4",
        "Tech             12",
    ]


def test_a_question_without_a_period_covers_all_data_and_says_so(answerer: Any) -> None:
    answer = answerer.answer("Which agents handled the most calls?")
    assert answer.text.startswith("All data (no period in the question)")
    assert answer.slots["period"] == "all data (no period in the question)"
    assert "CAST('1970-01-01' AS DATE)" in answer.sql


def test_a_list_cut_by_a_top_n_says_first_n_of_m(answerer: Any) -> None:
    answer = answerer.answer("top 2 agents by call count")
    assert len(answer.rows) == 2
    first = answer.text.splitlines()[0]
    assert "first 2 of 3 rows" in first
    assert "default" not in first  # the question asked for 2


def test_a_default_top_n_the_question_did_not_ask_for_is_said_first(
    engine: DuckDbEngine, tmp_path: Path
) -> None:
    repository = json.loads(json.dumps(REPOSITORY))
    busiest = next(q for q in repository["queries"] if q["name"] == "busiest_agents")
    next(p for p in busiest["parameters"] if p["type"] == "top_n")["default"] = 2
    path = tmp_path / "verified_queries.athena.json"
    path.write_text(json.dumps(repository), encoding="utf-8")
    answer = verified_answerer(engine, today=lambda: TODAY, repository_path=path).answer("busiest agents")
    first = answer.text.splitlines()[0]
    assert "first 2 of 3 rows (top_n = 2: a default, the question named no number)" in first


@pytest.mark.parametrize(
    "question",
    ["Which agent handled the most calls?", "Which agent has handled the most calls?"],
)
def test_a_question_for_the_single_first_gets_one_row_not_the_ranking(answerer: Any, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.refused
    assert len(answer.rows) == 1
    assert answer.rows == answerer.answer("Which agents handled the most calls?").rows[:1]
    assert "first 1 of 3 rows" in answer.text.splitlines()[0]


def test_the_ranking_stays_a_ranking_when_the_question_asks_for_many(answerer: Any) -> None:
    assert len(answerer.answer("Which agents handled the most calls?").rows) == 3
    assert len(answerer.answer("What are the busiest agents?").rows) == 3


def test_the_single_first_of_a_query_without_a_top_n_is_refused(engine: DuckDbEngine, tmp_path: Path) -> None:
    repository = json.loads(json.dumps(REPOSITORY))
    busiest = next(q for q in repository["queries"] if q["name"] == "busiest_agents")
    busiest["parameters"] = [p for p in busiest["parameters"] if p["type"] != "top_n"]
    busiest["sql"] = busiest["sql"].replace(" limit :top_n", "")
    path = tmp_path / "verified_queries.athena.json"
    path.write_text(json.dumps(repository), encoding="utf-8")
    answerer = verified_answerer(engine, today=lambda: TODAY, repository_path=path)
    answer = answerer.answer("Which agent handled the most calls?")
    assert answer.refused
    assert "single first of a ranking" in answer.text
    assert len(answerer.answer("Which agents handled the most calls?").rows) == 3


def test_an_answer_matching_the_other_reading_a_question_allows_is_correct(
    answerer: Any, engine: DuckDbEngine, tmp_path: Path
) -> None:
    inbound = "select count(*) from post_call_analytics.calls where direction = 'INBOUND'"
    every = "select count(*) from post_call_analytics.calls"
    eval_set = EvalSet(
        questions=(
            EvalQuestion("either", "How many calls do we have?", "answerable", inbound, (every,)),
            EvalQuestion("neither", "How many calls do we have?", "answerable", inbound, (inbound,)),
        )
    )
    verdicts = {o.id: o.verdict for o in evaluate(answerer, eval_set, guarded_runner(engine)).outcomes}
    assert verdicts == {"either": "correct", "neither": "wrong"}
    path = tmp_path / "q.yml"
    path.write_text(
        "questions:\n  - {id: a, question: q, kind: out_of_scope, also_gold_sql: select 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="only an answerable question"):
        load_eval_set(path)
    path.write_text("questions:\n  - {id: a, question: q, gold_sql: select 2, also_gold_sql: select 1}\n")
    assert load_eval_set(path).questions[0].also_gold_sql == ("select 1",)


def test_a_count_or_share_is_never_answered_with_a_list_of_rows(engine: DuckDbEngine) -> None:
    # the committed repository: "Show calls with more than 20% non-talk time …" lists calls
    answerer = verified_answerer(engine, today=lambda: TODAY)
    listed = answerer.match("calls with long silences last week").best
    assert listed is not None and listed.candidate.name == "high_non_talk_time_calls"
    # the share question matches the same query word for word; the answerer refuses to list its rows
    again = answerer.match("What percentage of calls had long silences last week?").best
    assert again is not None and again.candidate.name == "high_non_talk_time_calls"
    share = answerer.answer("What percentage of calls had long silences last week?")
    assert share.refused and "asks for a count or share" in share.text and share.rows == ()


def test_a_period_before_the_data_is_refused_never_answered_as_none(engine: DuckDbEngine) -> None:
    # the tiny warehouse's calls start in 2026: "calls in December 2025" has nothing to count, not 0 calls
    answerer = verified_answerer(engine, today=lambda: TODAY)
    assert answerer.match("How many total calls in December 2025?").best is not None
    early = answerer.answer("How many total calls in December 2025?")
    assert early.refused and "is before it" in early.text and early.rows == ()
