"""Analyst question families the semantic reader reads beyond one averaged metric: medians and percentiles,
evaluation questions and sections, filters on language, insights and summary flags, everyday wordings of
metrics, and counts of agents; each with the shapes that must still be refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from test_semantic import TODAY, build_marts

from lambdas.shared.answering.semantic import (
    MetricQuery,
    QuestionReader,
    Reading,
    SemanticManifest,
    ShareQuery,
)
from lambdas.shared.answering.setup import semantic_answerer
from lambdas.shared.query_engines import DuckDbEngine

VALUES = {
    "team": ["Billing East", "Tech Tier 1"],
    "queue": ["Billing", "Technical Support"],
    "agent": ["Dana Reyes"],
    "category": ["cancellation-intent", "escalation-request"],
    "insight type": ["ACTION_ITEM", "ISSUE", "OUTCOME"],
    "evaluation section": ["Greeting", "Close", "Closing", "Resolution", "Soft Skills", "Empathy"],
    "language": ["en-US", "es-US"],
    "evaluation source": ["AUTOMATED", "MANUAL"],
}


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    return QuestionReader(SemanticManifest.load(), VALUES)


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    warehouse, lake = build_marts(tmp_path_factory.mktemp("family-marts"))
    return semantic_answerer(DuckDbEngine(warehouse, lake), today=lambda: TODAY)


def _query(reading: Reading) -> MetricQuery:
    assert isinstance(reading.query, MetricQuery), reading
    return reading.query


def _read(reader: QuestionReader, question: str) -> MetricQuery:
    return _query(reader.read(question, TODAY))


def _refused(reader: QuestionReader, question: str) -> Reading:
    reading = reader.read(question, TODAY)
    assert reading.query is None, (question, reading)
    return reading


# ---------------------------------------------------------------------------------------------- medians


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("median handle time by team", "median_handle_time", ("call__team",)),
        ("What's the median AHT per queue last month?", "median_handle_time", ("call__queue",)),
        ("handle time median for each agent", "median_handle_time", ("call__agent_name",)),
        ("the median call length", "median_call_duration", ()),
        ("median time customers waited in the queue, by queue", "median_queue_wait", ("call__queue",)),
        ("median CSAT per team", "median_csat", ("call__team",)),
        ("median QA score for each evaluator", "median_qa_score", ("evaluation__evaluator",)),
        ("90th percentile of queue wait time by team", "p90_queue_wait", ("call__team",)),
        ("p90 handle time", "p90_handle_time", ()),
        ("95th percentile of wrap-up time", "p95_after_call_work", ()),
        ("p95 handle time by team", "p95_handle_time", ("call__team",)),
        ("90th percentile hold time in march", "p90_hold_time", ()),
        ("95th percentile queue wait per queue", "p95_queue_wait", ("call__queue",)),
        (
            "total hours customers spent waiting in queue in march, all calls added up",
            "total_queue_wait_hours",
            (),
        ),
        ("What was the longest after-call work on any one call yesterday?", "max_after_call_work", ()),
    ],
)
def test_a_median_or_percentile_reads_the_value_s_own_words(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,)
    assert query.group_by == group_by


def test_a_median_in_minutes_is_the_seconds_median_divided(reader: QuestionReader) -> None:
    query = _read(reader, "median handle time in minutes by team")
    assert query.metrics == ("median_handle_time",)
    assert query.scale == ("minutes", 60.0)
    ranked = _read(reader, "which team has the highest median handle time?")
    assert ranked.order_by == "-median_handle_time" and ranked.limit == 1


@pytest.mark.parametrize(
    ("question", "metric", "scale"),
    [
        ("weekly handle time in hours for the Billing queue", "total_handle_time_hours", None),
        ("hold time in hours by team", "total_hold_time_hours", None),
        ("talk time in hours last month", "total_talk_time_hours", None),
        ("average handle time in hours by team", "average_handle_time", ("hours", 3600.0)),
        ("AHT in hours", "average_handle_time", ("hours", 3600.0)),
        ("handle time in minutes by team", "average_handle_time_minutes", None),
    ],
)
def test_time_asked_in_hours_is_a_total_unless_an_average_is_said(
    reader: QuestionReader, question: str, metric: str, scale: tuple[str, float] | None
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,)
    assert query.scale == scale


def test_time_in_hours_is_the_total_where_one_is_defined(reader: QuestionReader) -> None:
    assert _read(reader, "queue wait in hours by team").metrics == ("total_queue_wait_hours",)


@pytest.mark.parametrize(
    "question",
    [
        "median talk speed per team",  # no median defined for that value
        "99th percentile handle time",  # a percentile no metric defines
        "median and p99 handle time by queue",  # two statistics of one value, one of them not defined
        "median of the average handle time per agent",  # a median over agents' averages
        "minimum hold time per team",  # no minimum defined for that value
        "median handle time per customer",
    ],
)
def test_a_statistic_no_metric_defines_is_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_medians_are_exact_on_duckdb(answerer: Any) -> None:
    # handle times: Billing East 300, 600; Tech Tier 1 900, 1200; Outbound Sales 120
    answer = answerer.answer("median handle time by team")
    assert not answer.refused, answer.text
    assert set(answer.rows) == {("Billing East", 450.0), ("Tech Tier 1", 1050.0), ("Outbound Sales", 120.0)}
    assert "QUANTILE_CONT" in answer.sql
    overall = answerer.answer("p90 handle time")
    assert overall.rows == ((1080.0,),)  # 900 + 0.6 × (1200 − 900)
    assert "approximate on Athena" in overall.text or "approx" in overall.text


# ---------------------------------------------------------------------------------------------- evaluations


@pytest.mark.parametrize(
    ("question", "metric", "group_by", "limit", "order"),
    [
        (
            "which QA question scores lowest",
            "average_answer_score",
            ("scorecard_answer__question_text",),
            1,
            "",
        ),
        # several asked for: every question, ranked
        ("Which QA questions do agents score lowest on?", "average_answer_score", None, None, ""),
        (
            "average question score of the Empathy section by agent",
            "average_answer_score",
            ("agent__agent_name",),
            None,
            None,
        ),
        ("Which scorecard question has the lowest average score?", "average_answer_score", None, 1, ""),
        (
            "question score by section",
            "average_answer_score",
            ("scorecard_answer__section_title",),
            None,
            None,
        ),
        (
            "which section has the highest average question score this quarter",
            "average_answer_score",
            None,
            1,
            "-",
        ),
        ("questions with the most automatic fails", "question_automatic_fails", None, None, "-"),
        ("automatic fails per evaluation question in February", "question_automatic_fails", None, None, None),
        ("the form question with the most auto fails", "question_automatic_fails", None, 1, "-"),
    ],
)
def test_evaluation_questions_and_sections_are_ranked_by_their_answers(
    reader: QuestionReader,
    question: str,
    metric: str,
    group_by: tuple[str, ...] | None,
    limit: int | None,
    order: str | None,
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,)
    if group_by is not None:
        assert query.group_by == group_by
    assert query.limit == limit
    if order is not None:
        assert query.order_by == order + metric


@pytest.mark.parametrize(
    "question",
    [
        "average score in the Greeting section",
        "What was the QA score for the Greeting section last month?",
        "average question score in section Greeting by team",
    ],
)
def test_a_section_named_is_a_filter_on_the_answers(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    if "question" in question:
        assert query.metrics == ("average_answer_score",)
        assert query.filters == (("scorecard_answer__section_title", "Greeting"),)
    else:  # a section's plain "score": the form's score of the section and its questions' average
        assert query.metrics == ("average_section_score", "sectioned_average_answer_score")
        assert query.filters == (("scorecard_section__section_title", "Greeting"),)


@pytest.mark.parametrize(
    "question",
    [
        "average score in Greeting",  # a section's name that is an ordinary word needs "section"
        "how close were the QA scores by team",  # "close" is no section without the word
        "automatic fail rate by section",  # no rate over answers
        "list the 10 lowest scoring evaluations last month",  # rows of evaluations
        "which questions do agents fail",
    ],
)
def test_evaluation_shapes_it_cannot_express_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_answers_by_section_and_question_count_submitted_evaluations_only(answerer: Any) -> None:
    # Greeting: e1 100, e2 50, e3 90 (e4 is a draft)
    greeting = answerer.answer("average score in the Greeting section")
    assert not greeting.refused, greeting.text
    assert greeting.rows == ((75.0, 80.0),)  # the sections' own scores, then the questions' average
    assert answerer.answer("average question score in the Greeting section").rows == ((80.0,),)
    fails = answerer.answer("automatic fails per question")
    assert set(fails.rows) == {
        ("Did the agent greet the customer?", 0),
        ("Did the agent verify the caller?", 1),
    }
    lowest = answerer.answer("which question scores lowest")
    assert lowest.rows == (("Did the agent verify the caller?", 160.0 / 3),)


# ---------------------------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("question", "metrics", "filters"),
    [
        ("how many calls in Spanish", ("calls",), (("call__language", "es-US"),)),
        ("number of Spanish calls per week", ("calls",), (("call__language", "es-US"),)),
        (
            "average handle time of English calls by team",
            ("average_handle_time",),
            (("call__language", "en-US"),),
        ),
        (
            "calls flagged with cancellation intent",
            ("categorised_calls",),
            (("call_category__category", "cancellation-intent"),),
        ),
        ("how many calls were tagged as escalation request last week", ("categorised_calls",), None),
        (
            "how many calls had an action item",
            ("calls_with_insight",),
            (("call_insight__insight_type", "ACTION_ITEM"),),
        ),
        ("calls with an issue per team", ("calls_with_insight",), None),
    ],
)
def test_values_of_language_categories_and_insights_are_filters(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], filters: Any
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics
    if filters is not None:
        assert query.filters == filters


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("how many calls were marked as resolved", "resolved_calls"),
        ("what percentage of calls were marked resolved by team", "resolution_rate"),
        ("share of calls flagged as needing a callback", "callback_rate"),
        ("resolution rate among calls that have a summary", "resolution_rate"),
        ("average CSAT from the post-call survey by queue", "average_csat"),
        ("post-call survey score per team last month", "average_csat"),
    ],
)
def test_summary_flags_and_the_survey_are_read(reader: QuestionReader, question: str, metric: str) -> None:
    assert _read(reader, question).metrics == (metric,)


@pytest.mark.parametrize(
    "question",
    [
        "calls in Klingon",
        "average handle time among calls that have a transcript",  # a population no metric defines
        "how many calls were marked as urgent",
    ],
)
def test_filters_it_cannot_read_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_language_by_name_filters_its_code(answerer: Any) -> None:
    answer = answerer.answer("how many calls in Spanish")
    assert not answer.refused, answer.text
    assert answer.rows == ((1,),)
    assert "language = es-US" in answer.text.splitlines()[0]


# ---------------------------------------------------------------------------------------------- wordings


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("how fast do agents talk", "average_agent_talk_speed", ()),
        ("How quickly do our reps speak, per team?", "average_agent_talk_speed", ("call__team",)),
        ("how fast do customers talk by queue", "average_customer_talk_speed", ("call__queue",)),
        ("average handle time team by team", "average_handle_time", ("call__team",)),
        ("QA score queue by queue last month", "average_qa_score", ("evaluation__queue",)),
        ("how positive are customers by queue", "average_customer_sentiment", ("call__queue",)),
        ("how happy were our callers in March", "average_customer_sentiment", ()),
        ("agents' own sentiment by team", "average_agent_sentiment", ("call__team",)),
        ("What is the agents' own average sentiment per team?", "average_agent_sentiment", ("call__team",)),
        ("How positive is customer sentiment per queue?", "average_customer_sentiment", ("call__queue",)),
        (
            "how often do customers interrupt agents per call, by queue",
            "average_customer_interruptions",
            ("call__queue",),
        ),
        ("How long is wrap-up per call on average by queue?", "average_after_call_work", ("call__queue",)),
        ("average handle time per call by team", "average_handle_time", ("call__team",)),
        ("how positive are the agents themselves, per queue", "average_agent_sentiment", ("call__queue",)),
        ("how often are agents interrupted by customers", "average_customer_interruptions", ()),
        (
            "how often do customers interrupt agents, by team",
            "average_customer_interruptions",
            ("call__team",),
        ),
        ("how often do agents interrupt customers per team", "average_agent_interruptions", ("call__team",)),
        # "the longest … of any single call": the maximum of one call's value, per group when one is asked
        ("longest handle time of any single call, per team (Q1)", "max_handle_time", ("call__team",)),
        # "interruptions" alone are both participants'; the side a question names elsewhere is that side's
        ("avg interruptions per call last month? both sides counted", "average_interruptions", ()),
        ("interruptions per call by team", "average_interruptions", ("call__team",)),
        ("how long do agents spend on wrap-up after a call", "average_after_call_work", ()),
        ("time spent after each call by queue", "average_after_call_work", ("call__queue",)),
        (
            "how long does wrapping up take after each call, per team",
            "average_after_call_work",
            ("call__team",),
        ),
    ],
)
def test_everyday_wordings_of_metrics(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,)
    assert query.group_by == group_by


@pytest.mark.parametrize(
    ("question", "order", "limit"),
    [
        ("which team has the happiest customers", "-average_customer_sentiment", 1),
        ("Which team's customers are the happiest?", "-average_customer_sentiment", 1),
        ("the queue with the unhappiest callers last month", "average_customer_sentiment", 1),
        ("what are the busiest days of the week", "-calls", None),
        ("the busiest day of the week", "-calls", 1),
        ("which hour of the day is the quietest in March", "calls", 1),
        ("least busy hours of the day", "calls", None),
        ("agents with the highest handle time", "-average_handle_time", None),
        ("the 3 agents with the lowest QA score", "average_qa_score", 3),
        ("the team that had the most calls last month", "-calls", 1),
        # "best" and "worst" follow which way the metric improves
        ("which agent has the worst AHT", "-average_handle_time", 1),
        ("best 3 agents by handle time", "average_handle_time", 3),
        ("which team has the worst customer sentiment", "average_customer_sentiment", 1),
        ("worst 3 agents for interrupting customers", "-average_agent_interruptions", 3),
        (
            "Top 3 reps for interrupting customers in Feb (average interruptions per call)",
            "-average_agent_interruptions",
            3,
        ),
        ("best 3 agents by QA score", "-average_qa_score", 3),
    ],
)
def test_rankings_said_as_busiest_happiest_or_with_the_most(
    reader: QuestionReader, question: str, order: str, limit: int | None
) -> None:
    query = _read(reader, question)
    assert query.order_by == order
    assert query.limit == limit


@pytest.mark.parametrize(
    "question",
    [
        "which team has the most negative customers",  # "most negative" would rank the wrong way round
        "busiest teams by handle time",  # busiest ranks by calls, not by another measure
        "which agents are happiest",  # whose happiness: the agents' or their customers'?
        "how fast do agents resolve calls",
        "how often do customers call back",
        "average handle time team by queue",  # not one grouping said twice
        "number of calls per call",  # "per call" is what an average of calls' values is, not a count's
        "QA score per call by team",  # an evaluation's score is not a call's average
        "worst 3 agents by calls",  # more calls is neither better nor worse
    ],
)
def test_wordings_that_read_two_ways_or_name_nothing_are_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


# ---------------------------------------------------------------------------------------------- counts of agents


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("how many agents per team", ("call__team",)),
        ("How many agents do we have?", ()),
        ("number of agents by queue last month", ("call__queue",)),
        ("how many agents does each team have", ("call__team",)),
        ("distinct agents per month", ()),
    ],
)
def test_agents_are_counted_once(reader: QuestionReader, question: str, group_by: tuple[str, ...]) -> None:
    query = _read(reader, question)
    assert query.metrics == ("distinct_agents",)
    assert query.group_by == group_by


@pytest.mark.parametrize(
    "question",
    [
        "how many agents had a handle time over 15 minutes",  # their average, or any of their calls?
        "how many unique customers had calls longer than 20 minutes",
        "how many agents per customer",
        "how many agents with evaluations",  # agents that have evaluations: no metric counts them
        "unique customers with callbacks",
    ],
)
def test_a_count_of_agents_or_customers_with_a_per_call_condition_is_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


def test_agents_counted_in_the_data(answerer: Any) -> None:
    answer = answerer.answer("how many agents per team")
    assert not answer.refused, answer.text
    assert set(answer.rows) == {("Billing East", 1), ("Tech Tier 1", 1), ("Outbound Sales", 1)}
    assert answerer.answer("how many agents do we have").rows == ((3,),)


def test_families_combine_in_one_question(reader: QuestionReader) -> None:
    query = _read(reader, "median handle time by team for calls in Spanish last month")
    assert query.metrics == ("median_handle_time",)
    assert query.group_by == ("call__team",)
    assert query.filters == (("call__language", "es-US"),)
    assert query.period is not None and query.period.start == dt.date(2026, 2, 1)


# ---------------------------------------------------------------------------------------------- engines


def test_percentiles_are_exact_on_duckdb_only_when_the_policy_says_so() -> None:
    from lambdas.shared.sql_guard import GuardPolicy, guard_sql

    sql = "select approx_percentile(handle_time_seconds, 0.5) as p50 from post_call_analytics.calls"
    assert "QUANTILE_CONT(" in guard_sql(sql, GuardPolicy(exact_percentiles=True)).to_dialect("duckdb")
    assert "APPROX_QUANTILE(" in guard_sql(sql, GuardPolicy()).to_dialect("duckdb")
    # Athena keeps its approximation either way; a weighted call is never rewritten
    assert "APPROX_PERCENTILE(" in guard_sql(sql, GuardPolicy(exact_percentiles=True)).to_dialect("athena")
    weighted = "select approx_percentile(handle_time_seconds, 2, 0.5) from post_call_analytics.calls"
    assert "QUANTILE_CONT" not in guard_sql(weighted, GuardPolicy(exact_percentiles=True)).to_dialect(
        "duckdb"
    )


def test_duckdb_divides_integers_as_athena_does(tmp_path: Any) -> None:
    from lambdas.shared.sql_guard import GuardPolicy, guard_sql

    warehouse, lake = build_marts(tmp_path)
    engine = DuckDbEngine(warehouse, lake)
    # five calls: (5 + 1) / 2 = 3 and 5 / 2 = 2 on Athena, whatever DuckDB's own default
    query = guard_sql(
        "select (count(*) + 1) / 2, count(*) / 2, count(*) / 2.0 from post_call_analytics.calls",
        GuardPolicy(),
    )
    assert list(engine.execute(query, max_rows=10).rows[0]) == [3, 2, 2.5]


@pytest.mark.parametrize(
    ("question", "single"),
    [
        ("which evaluation question has the lowest average score", True),
        ("what team had the most calls last month", True),
        ("which agent scored worst in march", True),
        ("which evaluation questions have the lowest average score", False),
        ("which teams had the most calls", False),
        ("which queue is billing", False),  # ranks nothing
    ],
)
def test_a_singular_which_with_a_rank_asks_for_one_row(question: str, single: bool) -> None:
    from lambdas.shared.answering.slots import asks_for_one

    assert asks_for_one(question) is single


# ---------------------------------------------------------------------------------------------- evaluation lists


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("show the 10 lowest-scoring evaluations last month with evaluator and score", True),
        ("list the evaluations by qa.al.wong", True),
        ("which evaluations failed automatically last week?", True),
        ("the 5 most recent evaluations of Dana Reyes", True),
        ("evaluations with a score below 50 in March", True),
        ("list evaluations for team Tech Tier 1 sorted by score", True),
        ("how many evaluations failed automatically", False),
        ("list the number of evaluations per team", False),
        ("average QA score of the latest evaluations", False),
        ("which evaluation question scores lowest", False),  # "evaluation" qualifies the rows asked for
        ("which evaluation form has the lowest score", False),
        ("what was the lowest evaluation score last month", False),
        ("show me the latest evaluation", True),
        ("list every evaluation that auto-failed in March", True),  # every: many rows, no grouping
        ("Leo Wilson's evaluations in March — evaluation id, date and score", True),
        ("Dana Reyes's evaluations from march with their scores (eval id, date, score)", True),
        ("how many evaluations did each evaluator do", False),
    ],
)
def test_a_list_of_evaluations_is_told_from_a_metric(question: str, listed: bool) -> None:
    from lambdas.shared.answering.evaluation_lists import looks_like_an_evaluation_list

    assert looks_like_an_evaluation_list(question) is listed


def test_lists_of_evaluations_hold_submitted_evaluations_filtered_and_ordered(answerer: Any) -> None:
    # submitted: e1 80 (qa.jo.smith, Jan 6), e2 40 automatic fail (qa.jo.smith, Feb 11), e3 90 (qa.al.wong,
    # Feb 12); e4 is a draft
    lowest = answerer.answer("show the 2 lowest-scoring evaluations with evaluator and score")
    assert not lowest.refused, lowest.text
    column = lowest.columns.index("evaluation_id")
    assert [row[column] for row in lowest.rows] == ["e2", "e1"]
    assert "first 2 of 3 evaluations" in lowest.text.splitlines()[0]
    assert {"evaluator", "score_percent", "agent_name"} <= set(lowest.columns)
    by = answerer.answer("list the evaluations by qa.jo.smith")
    assert sorted(row[column] for row in by.rows) == ["e1", "e2"]
    failed = answerer.answer("which evaluations failed automatically in February?")
    assert [row[column] for row in failed.rows] == ["e2"]
    below = answerer.answer("evaluations with a score below 85")
    assert sorted(row[column] for row in below.rows) == ["e1", "e2"]
    agent = answerer.answer("the most recent evaluation of Omar Haddad")
    assert [row[column] for row in agent.rows] == ["e3"]  # e4 (his later one) is a draft
    every = answerer.answer("list every evaluation that failed automatically")
    assert [row[column] for row in every.rows] == ["e2"]
    team = answerer.answer("list evaluations for team Tech Tier 1 sorted by score")
    assert [row[column] for row in team.rows] == ["e3"]  # the "1" of the team's name is no row count


@pytest.mark.parametrize(
    "question",
    [
        "list the 10 worst evaluations with their comments",  # no such column
        "show the evaluations of calls longer than 10 minutes",  # a call's value, not the evaluation's
        "list the evaluations in category billing-dispute",  # a call's category
        "show the lowest and most recent evaluations",  # two orders
    ],
)
def test_a_list_of_evaluations_it_cannot_express_is_refused(answerer: Any, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused, answer.text
    assert answer.rows == ()


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        (
            "Which agent is interrupted by customers the most?",
            "average_customer_interruptions",
            ("call__agent_name",),
        ),
        (
            "which team gets interrupted by callers most often",
            "average_customer_interruptions",
            ("call__team",),
        ),
        ("which agent interrupts customers the most", "average_agent_interruptions", ("call__agent_name",)),
    ],
)
def test_the_rows_a_which_asks_for_stay_a_grouping_inside_a_phrasing(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.limit) == ((metric,), group_by, 1)


@pytest.mark.parametrize(
    "question",
    [
        "what is the highest average handle time",
        "the lowest QA score last month",
        "most customer interruptions",
    ],
)
def test_a_ranking_with_nothing_to_rank_is_refused(reader: QuestionReader, question: str) -> None:
    assert _refused(reader, question).reason.startswith("A ranking needs something to rank")


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("What is the typical (median) call duration per queue?", ("median_call_duration",)),
        (
            "Which section of the scorecard has the lowest average score?",
            ("average_section_score", "sectioned_average_answer_score"),
        ),
        ("What are the lowest-scoring questions on the evaluation form?", ("average_answer_score",)),
        ("Which questions cause the most automatic fails?", ("question_automatic_fails",)),
        (
            "How many automatic fails did each evaluation question trigger last month?",
            ("question_automatic_fails",),
        ),
        ("How many calls had a cancellation-intent flag last month?", ("categorised_calls",)),
        ("How many calls had an issue detected?", ("calls_with_insight",)),
        ("How many calls got resolved according to the summary?", ("resolved_calls",)),
        ("What's the talking speed of customers by team?", ("average_customer_talk_speed",)),
        ("What's the agents' sentiment on their own calls by queue?", ("average_agent_sentiment",)),
        ("How many times do customers interrupt per call on average?", ("average_customer_interruptions",)),
        ("How much time do agents spend after each call on wrap-up, by team?", ("average_after_call_work",)),
        ("How many active agents do we have per queue?", ("distinct_agents",)),
        ("How many agents were evaluated last month?", ("evaluated_agents",)),
        ("number of agents with an evaluation by team", ("evaluated_agents",)),
    ],
)
def test_more_ways_of_saying_the_families(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


@pytest.mark.parametrize(
    "question",
    [
        "median number of agent interruptions per call",  # no median of that value
        "what share of agents were evaluated",  # no rate of agents
        "best performing agents",  # performing by what?
        "how many times were customers put on hold",  # a count of holds, not their length
    ],
)
def test_more_shapes_that_stay_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    "question",
    [
        "list all automatic fail evaluations in February",
        "show auto-failed evaluations from February",
        "which evaluations auto-failed in February",
        "Which evaluations in February were automatic failures? Show evaluation id, agent and score.",
        "show the evaluations with an automatic fail in February and who evaluated them",
        # a heading naming nothing a list shows is dropped, even one sharing a word with a form's title
        "Compliance log: list the auto-failed evaluations from February — evaluation id, agent name and score",
    ],
)
def test_a_list_of_automatic_fails_said_many_ways(answerer: Any, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.refused, answer.text
    column = answer.columns.index("evaluation_id")
    assert [row[column] for row in answer.rows] == ["e2"]


# ---------------------------------------------------------------------------------------------- CSAT values


@pytest.mark.parametrize(
    ("question", "bounds"),
    [
        ("how many calls with a CSAT of 1 or 2 last month?", [(">=", 1.0), ("<=", 2.0)]),
        ("How many calls in March got a CSAT of 1?", [(">=", 1.0), ("<=", 1.0)]),
        ("calls with a CSAT score of 4 or more", [(">=", 4.0)]),
        ("number of calls with CSAT 3 to 5", [(">=", 3.0), ("<=", 5.0)]),
        ("average handle time for calls with CSAT below 3", [("<", 3.0)]),
    ],
)
def test_a_csat_value_or_range_filters_calls(
    reader: QuestionReader, question: str, bounds: list[tuple[str, float]]
) -> None:
    query = _read(reader, question)
    assert [(name, op, n) for name, op, n in query.conditions] == [("call__csat", op, n) for op, n in bounds]


@pytest.mark.parametrize(
    "question",
    [
        "calls with a CSAT of 1 or 5",  # two values that are no range
        "what share of calls had a CSAT of 4 or more",  # of all calls, or of those with a survey answer?
        "CSAT 2026",  # a bare number after the value compares nothing
    ],
)
def test_csat_values_it_cannot_read_for_sure_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_share_by_csat_says_its_base(reader: QuestionReader) -> None:
    from lambdas.shared.answering.semantic import ShareQuery

    surveyed = reader.read("what % of survey responses had a CSAT of 1 or 2 by team", TODAY).query
    assert isinstance(surveyed, ShareQuery)
    assert surveyed.denominator.present == ("call__csat",) == surveyed.numerator.present
    assert surveyed.denominator.group_by == ("call__team",)
    every = reader.read("share of all calls with a CSAT of 5", TODAY).query
    assert isinstance(every, ShareQuery) and every.denominator.present == ()


def test_csat_shares_and_counts_run_on_the_marts(answerer: Any) -> None:
    # c1 CSAT 1, c2 5, c3 4, the others without an answer
    surveyed = answerer.answer("what share of surveyed calls had a CSAT of 4 or 5")
    assert not surveyed.refused, surveyed.text
    assert surveyed.rows[0][-1] == pytest.approx(200 / 3)
    assert "CSAT 4–5 among calls with a CSAT" in surveyed.text.splitlines()[0]
    low = answerer.answer("how many calls had a CSAT of 1")
    assert low.rows == ((1,),) and "CSAT = 1 (per call)" in low.text.splitlines()[0]


# ---------------------------------------------------------------------------------------------- wordings


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("share of inbound calls answered within 30 seconds", ("call__queue_wait_minutes", "<=", 0.5)),
        (
            "How many calls waited more than 2 minutes in the queue in March?",
            ("call__queue_wait_minutes", ">", 2.0),
        ),
        ("calls that spent over 5 minutes on hold", ("call__hold_time_minutes", ">", 5.0)),
    ],
)
def test_queue_and_hold_conditions_read_their_everyday_wordings(
    reader: QuestionReader, question: str, condition: tuple[str, str, float]
) -> None:
    reading = reader.read(question, TODAY)
    query = reading.query
    assert query is not None, reading
    numerator = getattr(query, "numerator", query)
    assert numerator.conditions == (condition,)


@pytest.mark.parametrize(
    ("question", "group", "order"),
    [
        ("teams ranked by AHT", "call__team", "-average_handle_time"),
        ("rank the queues by average wait", "call__queue", "-average_queue_wait"),
        ("top 5 call topics this quarter", "call__summary_topic", "-calls"),
        ("categories ranked by number of calls last month", "call_category__category", "-categorised_calls"),
    ],
)
def test_rankings_said_as_ranked_by_or_top_n_of_a_frequent_value(
    reader: QuestionReader, question: str, group: str, order: str
) -> None:
    query = _read(reader, question)
    assert query.group_by == (group,)
    assert query.order_by == order


def test_top_n_of_people_without_a_measure_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "top 5 agents")  # by calls, by QA score, by CSAT?
    _refused(reader, "top 3 teams")


def test_two_months_compared_read_the_second_month_without_a_preposition(reader: QuestionReader) -> None:
    query = _read(reader, "compare AHT in Jan vs Mar")
    assert query.period is not None and query.versus is not None
    assert (query.period.start, query.versus.start) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    assert query.grain == "month"
    _refused(reader, "calls in January, march")  # no comparing word: "march" stays a word


def test_category_verbs_are_read(reader: QuestionReader) -> None:
    query = _read(reader, "how many calls hit the cancellation-intent category in March?")
    assert query.filters == (("call_category__category", "cancellation-intent"),)
    query = _read(reader, "how many calls matched escalation-request")
    assert query.metrics == ("categorised_calls",)


def test_after_call_work_and_call_time_in_hours_are_totals(reader: QuestionReader) -> None:
    assert _read(reader, "total ACW in hours for last month").metrics == ("total_after_call_work_hours",)
    assert _read(reader, "total call time in March").metrics == ("total_call_duration_hours",)


# ---------------------------------------------------------------------------------------------- evaluation scores


@pytest.mark.parametrize(
    ("question", "bounds"),
    [
        ("what share of evaluations score 80 or more?", [(">=", 80.0)]),
        ("Percentage of evaluations scoring under 70 in March", [("<", 70.0)]),
        ("How many evaluations scored a perfect 100% last month?", [(">=", 100.0), ("<=", 100.0)]),
        ("how many evaluations scored below 50 percent by team", [("<", 50.0)]),
    ],
)
def test_an_evaluation_s_score_filters_evaluations(
    reader: QuestionReader, question: str, bounds: list[tuple[str, float]]
) -> None:
    reading = reader.read(question, TODAY)
    assert reading.query is not None, reading
    query = getattr(reading.query, "numerator", reading.query)
    assert query.metrics == ("evaluations",)
    assert list(query.conditions) == [("evaluation__evaluation_score", op, n) for op, n in bounds]


@pytest.mark.parametrize(
    "question",
    [
        "how many calls scored under 70",  # a call has no score of its own
        "which agents have a QA score below 70",  # their average, or any evaluation?
    ],
)
def test_a_score_condition_that_is_not_one_evaluation_s_is_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


def test_evaluation_score_conditions_run_on_the_marts(answerer: Any) -> None:
    from test_semantic import SCORECARDS

    submitted = [s for s in SCORECARDS if s[6] == "SUBMITTED"]
    answer = answerer.answer("how many evaluations scored under 85")
    assert not answer.refused, answer.text
    assert answer.rows == ((sum(1 for s in submitted if s[8] < 85),),)
    assert "evaluation score < 85 (per evaluation)" in answer.text.splitlines()[0]


# ---------------------------------------------------------------------------------------------- more wordings


def test_a_call_s_sentiment_split_by_category_is_over_the_calls_in_each(reader: QuestionReader) -> None:
    query = _read(reader, "Which category has the worst average customer sentiment?")
    assert query.metrics == ("categorised_average_customer_sentiment",)
    assert query.group_by == ("call_category__category",)
    assert query.order_by == "categorised_average_customer_sentiment" and query.limit == 1
    # filtered by one category, the calls' own metric through the category's calls
    query = _read(reader, "average customer sentiment of calls in the escalation-request category")
    assert query.metrics == ("average_customer_sentiment",)


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("share of evaluations done by automation", "AUTOMATED"),
        ("Which human QA evaluator has done the most evaluations?", "MANUAL"),
        ("human evaluations by evaluator", "MANUAL"),
    ],
)
def test_evaluation_sources_named_in_everyday_words(
    reader: QuestionReader, question: str, source: str
) -> None:
    reading = reader.read(question, TODAY)
    assert reading.query is not None, reading
    query = getattr(reading.query, "numerator", reading.query)
    assert ("evaluation__evaluation_source", source) in query.filters


def test_peak_is_the_busiest(reader: QuestionReader) -> None:
    query = _read(reader, "peak hour for inbound calls in March")
    assert query.group_by == ("call__hour_of_day",) and query.order_by == "-calls" and query.limit == 1
    assert _read(reader, "what are the peak hours").limit is None
    _refused(reader, "AHT at peak hour")  # peak by calls, but AHT asked


def test_a_value_said_with_only_is_a_filter(reader: QuestionReader) -> None:
    query = _read(reader, "AHT by direction, Billing queue only")
    assert query.filters == (("call__queue", "Billing"),) and query.group_by == ("call__direction",)
    assert _read(reader, "AHT by team, inbound only").filters == (("call__direction", "INBOUND"),)
    # "only" that is no filter's ("agents who only handled inbound calls") changes the question: refused
    _refused(reader, "which agents only handled inbound calls")


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        (
            "Percentage of calls where the agent did more than 60% of the talking",
            ("call__agent_talk_share", ">", 60.0),
        ),
        ("calls with agent talk share above 70%", ("call__agent_talk_share", ">", 70.0)),
        ("number of calls that matched no category at all", ("call__categories", "<=", 0.0)),
        ("How many calls weren't categorised at all (matched no category)?", ("call__categories", "<=", 0.0)),
        ("how many calls had more than 3 categories", ("call__categories", ">", 3.0)),
        ("calls with at least 2 categories by team", ("call__categories", ">=", 2.0)),
    ],
)
def test_talk_share_and_category_counts_filter_calls(
    reader: QuestionReader, question: str, condition: tuple[str, str, float]
) -> None:
    reading = reader.read(question, TODAY)
    assert reading.query is not None, reading
    query = getattr(reading.query, "numerator", reading.query)
    assert query.conditions == (condition,)
    assert query.order_by is None  # "at least" bounds a value, it ranks nothing


def test_drafts_are_counted_apart_from_submitted_evaluations(reader: QuestionReader) -> None:
    assert _read(reader, "How many QA evaluations are still in draft?").metrics == ("draft_evaluations",)
    assert _read(reader, "draft evaluations by evaluator").group_by == ("evaluation__evaluator",)
    assert _read(reader, "how many evaluations").metrics == ("evaluations",)


@pytest.mark.parametrize(
    ("question", "group", "metric"),
    [
        ("average CSAT for resolved vs unresolved calls", "call__resolution_status", "average_csat"),
        ("Show average CSAT for resolved and unresolved calls.", "call__resolution_status", "average_csat"),
        ("how many inbound and outbound calls", "call__direction", "calls"),
        ("evaluations manual vs automated", "evaluation__evaluation_source", "evaluations"),
    ],
)
def test_two_values_side_by_side_group_by_them(
    reader: QuestionReader, question: str, group: str, metric: str
) -> None:
    query = _read(reader, question)
    assert query.group_by == (group,) and query.metrics == (metric,)


def test_resolution_status_leaves_out_calls_without_a_summary(reader: QuestionReader) -> None:
    assert _read(reader, "AHT by resolution status").present == ("call__resolution_status",)


def test_waiting_is_the_queue_wait(reader: QuestionReader) -> None:
    query = _read(reader, "Which queue keeps inbound callers waiting longest on average?")
    assert query.metrics == ("average_queue_wait",) and query.limit == 1
    assert query.filters == (("call__direction", "INBOUND"),)


def test_a_form_question_quoted_whole_filters_its_answers(manifest_values_reader: QuestionReader) -> None:
    query = _read(
        manifest_values_reader, 'average score on the question "Did the agent thank the customer?" by team'
    )
    assert query.metrics == ("average_answer_score",)
    assert query.filters == (("scorecard_answer__question_text", "Did the agent thank the customer?"),)
    # a call has no answers: never the calls of all time
    _refused(manifest_values_reader, "how many calls did the agent thank the customer")
    # a few of its words are no question named
    _refused(manifest_values_reader, "average score on thanking customers")


def test_thank_you_is_politeness_but_thank_is_a_word(reader: QuestionReader) -> None:
    assert _read(reader, "calls by team, thank you").group_by == ("call__team",)
    _refused(reader, "how many calls did the agent thank")


@pytest.fixture(scope="module")
def manifest_values_reader() -> QuestionReader:
    values = dict(VALUES)
    values["evaluation question"] = ["Did the agent thank the customer?", "Did the agent greet the customer?"]
    return QuestionReader(SemanticManifest.load(), values)


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        (
            "# of calls where the agent interrupted the customer more than 5 times",
            ("call__agent_interruptions", ">", 5.0),
        ),
        ("calls with more than 3 agent interruptions", ("call__agent_interruptions", ">", 3.0)),
        (
            "number of calls where the customer interrupted the agent at least 4 times",
            ("call__customer_interruptions", ">=", 4.0),
        ),
    ],
)
def test_interruptions_of_one_call_are_counted_against_a_number(
    reader: QuestionReader, question: str, condition: tuple[str, str, float]
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("calls",) and query.conditions == (condition,)


def test_hash_of_is_a_number_of_never_a_list() -> None:
    from lambdas.shared.answering.call_lists import looks_like_a_list

    assert not looks_like_a_list("# of calls where the agent interrupted the customer more than 5 times")
    assert looks_like_a_list("calls where the agent interrupted the customer more than 5 times")


def test_ranking_agents_by_a_behaviour_said_as_a_verb(reader: QuestionReader) -> None:
    query = _read(reader, "top 3 agents who interrupt customers the most in the past 30 days")
    assert query.metrics == ("average_agent_interruptions",)
    assert query.group_by == ("call__agent_name",) and query.limit == 3


def test_words_per_minute_is_the_unit_of_talk_speed(reader: QuestionReader) -> None:
    query = _read(reader, "How fast do customers talk, in words per minute, in each queue?")
    assert query.metrics == ("average_customer_talk_speed",) and query.group_by == ("call__queue",)
    _refused(reader, "calls in words per minute")


def test_a_condition_is_said_with_any_verb_of_having(reader: QuestionReader) -> None:
    for question in ("What % of calls got a CSAT survey answer?", "what share of calls had a survey answer"):
        assert _read(reader, question).metrics == ("survey_response_rate",)


def test_the_busiest_day_ranks_the_days_by_calls(reader: QuestionReader) -> None:
    query = _read(reader, "busiest day last month")
    assert (query.metrics, query.grain, query.order_by, query.limit) == (("calls",), "day", "-calls", 1)
    _refused(reader, "the busiest month for AHT")  # busiest is by calls


def test_the_fewest_of_a_count_per_week_or_month_is_refused_for_partial_buckets(
    reader: QuestionReader,
) -> None:
    reading = _refused(reader, "quietest week this quarter")
    assert "partial week" in reading.reason
    _refused(reader, "which month had the fewest calls")
    assert _read(reader, "which month had the lowest AHT").limit == 1  # an average is no sum of its days


def test_a_percent_sign_asks_for_a_share_never_a_list() -> None:
    from lambdas.shared.answering.call_lists import looks_like_a_list
    from lambdas.shared.answering.evaluation_lists import looks_like_an_evaluation_list

    assert not looks_like_a_list("what % of calls last month had negative customer sentiment?")
    assert not looks_like_an_evaluation_list("what % of evaluations scored under 70")


@pytest.mark.parametrize(
    ("question", "group", "limit"),
    [
        ("top 10 customer issues by number of calls", "call_insight__issue", 10),
        ("What were the 3 most common call outcomes last month?", "call_insight__outcome", 3),
        (
            "What were the top 5 issues customers raised last month, by number of calls?",
            "call_insight__issue",
            5,
        ),
        ("most common action items", "call_insight__action_item", None),
    ],
)
def test_insight_texts_of_one_type_are_ranked_by_the_calls_that_raise_them(
    reader: QuestionReader, question: str, group: str, limit: int | None
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("calls_with_insight",) and query.group_by == (group,)
    assert query.order_by == "-calls_with_insight" and query.limit == limit
    assert query.present == (group,)  # the texts of other types are no group


def test_how_many_issues_still_counts_the_insights_of_that_type(reader: QuestionReader) -> None:
    query = _read(reader, "how many issues were detected in March calls")
    assert query.metrics == ("insights",)


@pytest.mark.parametrize(
    "question",
    [
        "avg handle time in minutes across the whole centre over the past 30 days",
        "AHT company-wide over the past 30 days",
    ],
)
def test_the_whole_centre_said_aloud_filters_nothing(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.filters == () and query.group_by == ()


def test_more_everyday_wordings(reader: QuestionReader) -> None:
    assert _read(reader, "evaluations per month, broken down by manual/automated").group_by == (
        "evaluation__evaluation_source",
    )
    ahead = _read(reader, "Billing East versus Tech Tier 1 on QA score - who's ahead?")
    assert ahead.group_by == ("evaluation__team",) and ahead.order_by == "-average_qa_score"
    assert len(ahead.filters) == 2
    spanish = _read(reader, "how does customer sentiment on Spanish calls compare with English calls")
    assert spanish.filters == (("call__language", "es-US"), ("call__language", "en-US"))
    doing = _read(reader, "For each team, how many calls had the agent doing more than 60% of the talking?")
    assert doing.conditions == (("call__agent_talk_share", ">", 60.0),)
    assert _read(reader, "how many calls needed a call back in march").metrics == ("callback_calls",)


def test_a_misspelt_rank_word_is_corrected(reader: QuestionReader) -> None:
    assert reader.correct("which team has the higest callback rate", ["higest"]) == (
        "which team has the highest callback rate"
    )


# ---------------------------------------------------------------------------------------------- conditions per group


@pytest.mark.parametrize(
    ("question", "metric", "group", "having"),
    [
        (
            "Which agents have had fewer than 35 QA evaluations?",
            "evaluations",
            "agent__agent_name",
            ("<", 35.0),
        ),
        ("agents with more than 100 calls last month", "calls", "call__agent_name", (">", 100.0)),
        (
            "teams with an average handle time over 10 minutes",
            "average_handle_time",
            "call__team",
            (">", 600.0),  # in the metric's seconds
        ),
        (
            "just the names of agents whose average QA score is under 70",
            "average_qa_score",
            "agent__agent_name",
            ("<", 70.0),
        ),
        ("agents with an average CSAT of 4 or more", "average_csat", "call__agent_name", (">=", 4.0)),
    ],
)
def test_a_condition_on_a_metric_per_group_keeps_the_groups_that_meet_it(
    reader: QuestionReader, question: str, metric: str, group: str, having: tuple[str, float]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,) and query.group_by == (group,)
    assert query.having == ((metric, *having),) and query.conditions == ()
    assert not query.nonzero


def test_how_many_days_meet_a_condition_counts_the_days(reader: QuestionReader) -> None:
    query = _read(reader, "how many days in March had more than 40 calls")
    assert (query.grain, query.count_groups, query.having) == ("day", "days", (("calls", ">", 40.0),))


@pytest.mark.parametrize(
    "question",
    [
        "calls with an average handle time over 10 minutes",  # a metric compared, but over what groups?
        "teams with an average handle time over 10",  # no unit for a time
        "teams with handle time over 10 minutes",  # one call's value or the team's average?
    ],
)
def test_conditions_on_a_metric_it_cannot_place_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_conditions_per_group_run_on_the_marts(answerer: Any) -> None:
    from test_semantic import CALLS

    per_agent: dict[str, int] = {}
    for call in CALLS:
        per_agent[call[2]] = per_agent.get(call[2], 0) + 1
    answer = answerer.answer("agents with at least 2 calls")
    assert not answer.refused, answer.text
    assert sorted(row[0] for row in answer.rows) == sorted(a for a, n in per_agent.items() if n > 1)
    assert "only those with calls >= 2" in answer.text.splitlines()[0]
    days = answerer.answer("how many days had more than 0 calls")
    assert days.rows == ((len({call[6] for call in CALLS}),),)


@pytest.mark.parametrize(
    "question",
    [
        "average number of calls per day in February",
        "how many calls per day on average last month",
        "on average how many calls do we get per day",
    ],
)
def test_the_average_calls_per_day_is_no_daily_series(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.metrics == ("average_calls_per_day",) and query.grain is None


def test_calls_per_day_without_average_stays_the_daily_series(reader: QuestionReader) -> None:
    query = _read(reader, "calls per day in February")
    assert query.metrics == ("calls",) and query.grain == "day"


# ---------------------------------------------------------------------------------------------- changes


def test_a_change_from_one_month_to_another_is_their_difference(reader: QuestionReader) -> None:
    query = _read(reader, "By how many seconds did AHT change from January to March?")
    assert query.difference and query.grain == "month"
    assert query.period is not None and query.versus is not None
    assert (query.period.start, query.versus.start) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    ranked = _read(reader, "Which team's CSAT improved the most from January to February, and by how much?")
    assert ranked.group_by == ("call__team",) and ranked.order_by == "-average_csat" and ranked.limit == 1
    worse = _read(reader, "which team's AHT got worse the most from January to March")
    assert worse.order_by == "-average_handle_time"  # a longer handle time is worse
    # without a change word, "from January to March" stays one span of months
    span = _read(reader, "AHT from January to March")
    assert not span.difference and span.versus is None


@pytest.mark.parametrize(
    "question",
    [
        "which team's AHT changed the most from January to March",  # up or down?
        "which queue's wait time got worse the most from February to March",  # the queue is no grouping read
        "which team's calls improved the most from January to March",  # more calls: better or worse?
    ],
)
def test_a_change_it_cannot_rank_for_sure_is_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_change_runs_on_the_marts(answerer: Any) -> None:
    # handle time: January c1 300; March c4, c5 (see test_semantic.CALLS)
    answer = answerer.answer("how did AHT change from January to February")
    assert not answer.refused, answer.text
    assert answer.columns[-1] == "average_handle_time_change"
    january, february, change = answer.rows[0][-3:]
    assert change == pytest.approx(february - january)
    assert "the later minus the earlier" in answer.text.splitlines()[0]


def test_small_wordings_from_the_development_sets(reader: QuestionReader) -> None:
    # a month word opening the question
    march = _read(reader, "March QA scores - manual vs automated evaluations, average of each")
    assert march.period is not None and march.period.start == dt.date(2026, 3, 1)
    # the other value named only to set this one apart
    share = reader.read(
        "what percentage of our evaluations are done by automation rather than a person?", TODAY
    )
    assert share.query is not None, share
    # "not the average" clarifies a median
    assert _read(reader, "median csat per team, not the average").metrics == ("median_csat",)
    # evaluations "were automatic fails"
    assert _read(reader, "How many evaluations for Billing East were automatic fails?").metrics == (
        "automatic_fails",
    )
    # the harshest evaluator scores lowest
    harsh = _read(reader, "which evaluator is the harshest? (lowest average score)")
    assert harsh.order_by == "average_qa_score" and harsh.limit == 1
    assert _read(reader, "What % of calls have been QA'd?").metrics == ("evaluated_call_rate",)
    _refused(reader, "May I see calls by team")  # "may" opening a question is no month


def test_form_versions_group_and_filter_only_next_to_version(manifest_values_reader: QuestionReader) -> None:
    values = dict(VALUES)
    values["form"] = ["Technical Support Quality"]
    values["form version"] = ["1", "2"]
    reader = QuestionReader(SemanticManifest.load(), values)
    query = _read(reader, "Average score on version 2 of the Technical Support Quality form")
    assert ("evaluation__form_version", "2") in query.filters
    assert "= 2" in " ".join(query.to_arguments()["where_constraints"])  # a number, as the column is
    assert _read(reader, "evaluations by form version").group_by == (
        "evaluation__form_title",
        "evaluation__form_version",
    )
    top = _read(reader, "top 2 agents by calls")
    assert top.limit == 2 and top.filters == ()  # a number elsewhere is no version
    both = _read(reader, "calls and AHT by team, both in one table")
    assert both.metrics == ("calls", "average_handle_time")


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("who had the most auto-fails?", "agent__agent_name"),
        ("who handled the most calls last week?", "call__agent_name"),
        ("who did the most evaluations in March", "evaluation__evaluator"),
    ],
)
def test_who_ranks_the_people_the_measure_is_about(reader: QuestionReader, question: str, group: str) -> None:
    query = _read(reader, question)
    assert query.group_by == (group,) and query.limit == 1


def test_who_that_could_be_agents_or_evaluators_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "who scored the most evaluations")


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        (
            "Finance here. How many hours of after-call work did agents clock in total in Q1?",
            "total_after_call_work_hours",
        ),
        ("CX analyst here, what % of calls got a CSAT survey response in March?", "survey_response_rate"),
        (
            "For the cost model I need total handle time in hours for each queue last month.",
            "total_handle_time_hours",
        ),
        ("Putting together the morning huddle notes - how many calls did we take yesterday?", "calls"),
        ("roughly how many calls a day did we average in March?", "average_calls_per_day"),
    ],
)
def test_who_asks_and_what_for_is_dropped_when_it_names_nothing(
    reader: QuestionReader, question: str, metric: str
) -> None:
    assert _read(reader, question).metrics == (metric,)


def test_a_preamble_naming_a_value_is_kept(reader: QuestionReader) -> None:
    _refused(reader, "For the Billing East team review: calls by queue")  # the team may be a filter


def test_said_per_the_summary_a_value_that_is_also_a_category_is_the_topic() -> None:
    values = dict(VALUES)
    values["topic"] = ["Billing dispute"]
    values["category"] = ["billing-dispute"]
    reader = QuestionReader(SemanticManifest.load(), values)
    query = _read(reader, "how many calls were about a billing dispute (per the call summary)?")
    assert query.filters == (("call__summary_topic", "Billing dispute"),)


def test_a_number_opening_the_question_is_a_top_n() -> None:
    from lambdas.shared.answering.slots import find_top_n, normalise

    top = find_top_n(normalise("2 categories with the worst customer sentiment"))
    assert top is not None and top.value == 2
    assert find_top_n(normalise("30 days of calls by team")) is None


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("How many different topics did calls on the Billing queue cover?", "distinct_topics"),
        ("How many different topics came up in February's call summaries?", "distinct_topics"),
        ("how many distinct products by team", "distinct_products"),
        ("number of different queues", "distinct_queues"),
    ],
)
def test_how_many_different_values_of_a_grouping(reader: QuestionReader, question: str, metric: str) -> None:
    assert _read(reader, question).metrics == (metric,)


def test_a_count_of_topics_meeting_a_condition_stays_a_condition_per_topic(reader: QuestionReader) -> None:
    query = _read(reader, "how many topics had more than 100 calls")
    assert query.metrics == ("calls",) and query.count_groups == "topics"
    _refused(reader, "how many calls with a summary")  # "with a summary" is a filter no metric reads


def test_two_groups_compared_may_say_better(reader: QuestionReader) -> None:
    both = _read(
        reader, "In March, was customer sentiment better on inbound or outbound calls? Show both averages."
    )
    assert both.group_by == ("call__direction",) and both.limit is None
    assert _read(reader, "Is CSAT different by language? Give me the average per language.").group_by == (
        "call__language",
    )
    _refused(reader, "which team has better CSAT")  # better than what? one team or the ranking?


def test_each_agent_of_a_team(reader: QuestionReader) -> None:
    query = _read(reader, "How many evaluations has each Tech Tier 1 agent recieved?")
    assert query.group_by == ("agent__agent_name",) and query.filters == (
        ("evaluation__team", "Tech Tier 1"),
    )
    assert _read(reader, "calls for each agent").filters == ()


def test_one_day_of_the_week_in_general(reader: QuestionReader) -> None:
    query = _read(reader, "call volume by hour of the day, Mondays only")
    assert query.conditions == (("call__day_of_week", ">=", 1.0), ("call__day_of_week", "<=", 1.0))
    assert _read(reader, "average handle time on Fridays").conditions[0] == ("call__day_of_week", ">=", 5.0)
    _refused(reader, "calls last Monday")  # one Monday: a date, not read here


def test_a_count_per_member_said_without_average_is_a_split(reader: QuestionReader) -> None:
    # "calls per agent" is one row per agent; the ratio is asked for as an average
    query = _read(reader, "Tech Tier 1 - calls per agent")
    assert query.metrics == ("calls",) and query.group_by == ("call__agent_name",)
    assert _read(reader, "average calls per agent").metrics == ("calls_per_agent",)
    assert _read(reader, "calls per agent on average").metrics == ("calls_per_agent",)


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("list the agents in Tech Tier 1 with their call counts", ("call__agent_name",)),
        ("show our queues and their average handle time", ("call__queue",)),
        ("list all teams with their QA score last month", ("evaluation__team",)),
    ],
)
def test_members_listed_with_their_figures_are_a_split(
    reader: QuestionReader, question: str, group_by: tuple[str, ...]
) -> None:
    assert _read(reader, question).group_by == group_by


@pytest.mark.parametrize(
    "question",
    [
        "what's the average score per scorecard section?",
        "how does each section score on average?",
        "QA score by team for the Empathy section",
    ],
)
def test_a_section_s_score_said_plainly_shows_both_readings(reader: QuestionReader, question: str) -> None:
    # the score the form gives the section, and the average of its questions' scores, side by side
    assert _read(reader, question).metrics == ("average_section_score", "sectioned_average_answer_score")


def test_a_section_s_score_said_precisely_is_that_one(reader: QuestionReader) -> None:
    assert _read(reader, "average question score per section").metrics == ("average_answer_score",)
    assert _read(reader, "average section score by team").metrics == ("average_section_score",)


def test_sections_ranked_by_a_plain_score_are_ranked_by_the_section_score_and_say_so(
    reader: QuestionReader,
) -> None:
    reading = reader.read("which section has the lowest average score", TODAY)
    query = _query(reading)
    assert query.order_by == "average_section_score" and query.limit == 1
    assert any("ranked by the average section score" in note for note in reading.notes)


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("board pack - total calls in Q1 please", ("calls",)),
        ("calibration prep: number of evaluations by each evaluator", ("evaluations",)),
        ("Average handle time by queue for Q1, for the ops review", ("average_handle_time",)),
        ("bottom 3 agents on avg QA score this quarter - coaching list", ("average_qa_score",)),
        ("Finance want the total hold time in hours for the quarter.", ("total_hold_time_hours",)),
        # a purpose word with words no reading uses; how often a meeting comes is no grain
        ("Weekly ops review: call count by team for the last 7 days pls", ("calls",)),
        ("capacity model input: how many distinct agents took calls in mar?", ("distinct_agents",)),
        ("Script adherence review: average score on each QA form this quarter?", ("average_qa_score",)),
        ("cx deep-dive. what was avg customer sentiment in march", ("average_customer_sentiment",)),
        (
            "avg wrap-up per call over the past 30 days, in seconds (site review)",
            ("average_after_call_work",),
        ),
        (
            "3 lowest scoring agents on QA this quarter, need them for the calibration session",
            ("average_qa_score",),
        ),
    ],
)
def test_who_asks_or_what_for_said_as_a_heading_or_a_tail_is_dropped(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


def test_a_heading_that_names_a_value_or_unknown_words_is_kept(reader: QuestionReader) -> None:
    # "Billing East" is a value: the heading filters the request
    assert _read(reader, "Billing East - calls per agent").filters == (("call__team", "Billing East"),)
    _refused(reader, "enterprise customers: how many calls")  # not a role or a purpose: unread, refused
    _refused(reader, "how many calls, enterprise only")
    _refused(reader, "Enterprise segment: calls by team")  # no purpose word: maybe a filter
    _refused(reader, "avg wrap-up per call over the past 30 days (enterprise only)")
    _refused(reader, "Monthly review for next month: calls by team")  # a period in the heading stays
    # a cadence before a meeting is dropped, a grain said anywhere else is kept
    assert _read(reader, "Weekly ops review - daily call volume for the last 7 days").grain == "day"


def test_the_quarter_and_the_whole_period_are_periods(reader: QuestionReader) -> None:
    period = _read(reader, "Callback rate for the quarter").period
    assert period is not None and (period.start, period.end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert _read(reader, "calls by hour of day, whole period").period is None


def test_agents_counted_by_a_condition_on_their_figures(reader: QuestionReader) -> None:
    query = _read(reader, "How many agents took more than 120 calls?")
    assert query.count_groups == "agents" and query.having == (("calls", ">", 120.0),)
    fewer = _read(reader, "How many agents have had fewer than 35 evaluations?")
    assert fewer.count_groups == "agents" and fewer.having == (("evaluations", "<", 35.0),)
    assert _read(reader, "how many agents took calls").metrics == ("distinct_agents",)


def test_best_first_follows_which_way_the_metric_is_better(reader: QuestionReader) -> None:
    query = _read(reader, "rank all teams by average customer sentiment, best first")
    assert query.order_by == "-average_customer_sentiment"
    # the analytics engineer declared a lower handle time better (`meta.better`)
    assert _read(reader, "avg handle time per agent, best first").order_by == "average_handle_time"
    _refused(reader, "calls per team, best first")  # no better way defined for a count: unread


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("how many automatic fails did QA record in february", ("automatic_fails",)),
        ("how many calls have been QA evaluated so far?", ("evaluated_calls",)),
        ("which team needs the most callbacks", ("callback_calls",)),
        ("how many calls went over 15 minutes long?", ("calls",)),
        ("which single day in March had the most calls", ("calls",)),
    ],
)
def test_everyday_verbs_and_words_said_aloud(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


def test_people_alone_is_no_evaluation_source(reader: QuestionReader) -> None:
    assert _read(reader, "average QA score of evaluations done by people").filters == (
        ("evaluation__evaluation_source", "MANUAL"),
    )
    # "people" here are the callers: the reasons are the topics, no evaluation source filters them
    assert _read(reader, "top 4 reasons people call").filters == ()


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("Average CSAT for February please, putting together the CX deck", ("average_csat",)),
        ("total handle time in hours for march, its for the cost model", ("total_handle_time_hours",)),
        ("call volume by hour of day, i'm redoing the intraday staffing curve", ("calls",)),
    ],
)
def test_what_the_answer_is_for_said_after_the_request_is_dropped(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


def test_a_tail_that_names_a_value_or_is_no_purpose_is_kept(reader: QuestionReader) -> None:
    _refused(reader, "calls by team, for enterprise customers")  # a filter nobody defined, not a purpose
    # a value only the tail names is never dropped with it: the request stays unread rather than widened
    _refused(reader, "calls by team, its for the Billing East review")


def test_avg_is_average(reader: QuestionReader) -> None:
    query = _read(reader, "top 5 agents by avg handle time")
    assert query.order_by == "-average_handle_time" and query.limit == 5


def test_a_misspelt_grain_is_corrected(reader: QuestionReader) -> None:
    corrected = reader.correct("montly avg QA score", ["montly"])
    assert corrected is not None and "monthly" in corrected
    assert _read(reader, corrected).grain == "month"


def test_a_share_of_a_period_s_calls(reader: QuestionReader) -> None:
    reading = reader.read("what share of Q1 calls were outbound", TODAY)
    numerator = getattr(reading.query, "numerator", None)
    assert numerator is not None and numerator.filters == (("call__direction", "OUTBOUND"),)
    assert numerator.period is not None and numerator.period.start == dt.date(2026, 1, 1)
    _refused(reader, "what share gave outbound calls")  # no "of" and nothing taken between: unread


@pytest.mark.parametrize(
    "question",
    [
        "Of the calls where the customer answered the survey, what percentage gave a 4 or 5?",
        "what % of survey answers were a 4 or 5?",
        "of surveyed calls, what share picked 4 or 5",
    ],
)
def test_a_survey_score_given_on_surveyed_calls_is_a_csat_condition(
    reader: QuestionReader, question: str
) -> None:
    reading = reader.read(question, TODAY)
    numerator = getattr(reading.query, "numerator", None)
    assert numerator is not None, reading
    assert numerator.conditions == (("call__csat", ">=", 4.0), ("call__csat", "<=", 5.0))


def test_customers_are_counted_by_a_condition_and_never_listed(reader: QuestionReader) -> None:
    query = _read(reader, "How many customers called more than once?")
    assert query.count_groups == "customers" and query.having == (("calls", ">", 1.0),)
    assert _read(reader, "how many customers had more than one call in March").count_groups == "customers"
    assert _read(reader, "how many customers called us").metrics == ("customers",)
    refused = _refused(reader, "average handle time per customer")
    assert "customer" in refused.unknown


def test_different_call_topics_are_topics(reader: QuestionReader) -> None:
    assert _read(reader, "how many different call topics are there?").metrics == ("distinct_topics",)


def test_the_longest_time_with_nothing_to_rank_is_the_maximum_of_one_call(reader: QuestionReader) -> None:
    query = _read(reader, "What was the longest queue wait last month, in minutes?")
    assert query.metrics == ("max_queue_wait",) and query.order_by is None and query.limit is None
    assert query.scale is not None and query.scale[0] == "minutes"
    assert _read(reader, "longest anyone waited in queue in March").metrics == ("max_queue_wait",)
    assert _read(reader, "maximum handle time per team").metrics == ("max_handle_time",)
    # a group to rank: the ranking of the averages, as before
    ranked = _read(reader, "which team has the longest handle time")
    assert ranked.metrics == ("average_handle_time",) and ranked.limit == 1
    _refused(reader, "what is the highest average handle time")  # the highest of averages of nothing named
    _refused(reader, "top 3 longest queue waits")


def test_two_periods_compared_without_asking_how_much_are_a_row_each(reader: QuestionReader) -> None:
    side_by_side = _read(
        reader, "Has queue wait got any better? Compare average queue wait in January with March."
    )
    assert not side_by_side.difference and side_by_side.versus is not None and side_by_side.grain == "month"
    assert _read(reader, "By how many seconds did AHT change from January to March?").difference


def test_all_of_a_kind_said_aloud_is_no_grouping(reader: QuestionReader) -> None:
    query = _read(reader, "how many calls came in yesterday? (all directions)")
    assert query.group_by == () and query.filters == ()
    assert _read(reader, "calls by team, all directions combined").group_by == ("call__team",)


def test_groupings_keep_the_order_the_question_names_them(reader: QuestionReader, answerer: Any) -> None:
    assert _read(reader, "calls by team and direction").group_by == ("call__team", "call__direction")
    assert _read(reader, "calls by direction and team").group_by == ("call__direction", "call__team")
    answer = answerer.answer("calls by team and direction")
    assert answer.columns[:2] == ("call__team", "call__direction")


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("quick one — how many calls did we take in march?", ("calls",)),
        ("AHT per team last month pls, I have the ops review at 10", ("average_handle_time",)),
        ("which hour of the day gets the most inbound calls? thinking about shift start times", ("calls",)),
        ("sorry if this is basic, first week here — how many agents do we have?", ("distinct_agents",)),
    ],
)
def test_courtesies_and_what_the_answer_is_for_around_the_request(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        ("what queues are there?", ("calls",), ("call__queue",)),
        ("which evaluation forms do we use?", ("evaluations",), ("evaluation__form_title",)),
        ("what teams do we have", ("calls",), ("call__team",)),
    ],
)
def test_the_values_of_a_grouping_are_listed_with_their_counts(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics and query.group_by == group_by


def test_my_agents_are_the_team_the_asker_leads(reader: QuestionReader) -> None:
    query = _read(reader, "I look after Tech Tier 1. how many calls did each of my agents take in March?")
    assert query.group_by == ("call__agent_name",) and query.filters == (("call__team", "Tech Tier 1"),)
    team = _read(reader, "I manage the Billing East team: AHT for my team last month")
    assert team.filters == (("call__team", "Billing East"),) and team.group_by == ()
    assert _read(reader, "who on Tech Tier 1 has the lowest average QA score").group_by == (
        "agent__agent_name",
    )


def test_two_short_months_side_by_side_are_months(reader: QuestionReader) -> None:
    query = _read(reader, "call volume Jan vs Feb")
    assert query.grain == "month" and query.period is not None and query.versus is not None
    assert (query.period.start, query.versus.start) == (dt.date(2026, 1, 1), dt.date(2026, 2, 1))


def test_split_inbound_outbound_is_by_direction(reader: QuestionReader) -> None:
    query = _read(reader, "Average handle time per month, split inbound/outbound")
    assert query.group_by == ("call__direction",) and query.grain == "month"


def test_members_of_a_value_ranked_by_a_metric(reader: QuestionReader) -> None:
    query = _read(reader, "rank all the Billing East agents by avg CSAT")
    assert query.group_by == ("call__agent_name",) and query.filters == (("call__team", "Billing East"),)
    assert query.order_by == "-average_csat"


@pytest.mark.parametrize(
    "question",
    [
        "Top five agents for QA in March",
        "3 lowest scoring agents on QA this quarter",
        "who's scoring better on QA",
    ],
)
def test_qa_alone_is_the_qa_score(reader: QuestionReader, question: str) -> None:
    assert _read(reader, question).metrics == ("average_qa_score",)


def test_qa_as_a_department_is_no_score(reader: QuestionReader) -> None:
    _refused(reader, "how many evaluations for QA this month")  # the QA team, not a second measure


@pytest.mark.parametrize(
    ("question", "having", "count_groups"),
    [
        (
            "How many teams had an AHT over 10 minutes in March?",
            (("average_handle_time", ">", 600.0),),
            "teams",
        ),
        ("which teams average over 10 minutes handle time?", (("average_handle_time", ">", 600.0),), None),
        ("which teams averaged above 80% QA in Q1", (("average_qa_score", ">", 80.0),), None),
    ],
)
def test_an_average_per_group_compared_is_a_condition_on_the_groups(
    reader: QuestionReader, question: str, having: Any, count_groups: str | None
) -> None:
    query = _read(reader, question)
    assert query.group_by == ("call__team",) or query.group_by == ("evaluation__team",)
    assert query.having == having and query.count_groups == count_groups and query.conditions == ()


def test_one_call_s_value_compared_stays_a_condition_on_calls(reader: QuestionReader) -> None:
    query = _read(reader, "how many calls had a handle time over 10 minutes")
    assert query.conditions == (("call__handle_time_minutes", ">", 10.0),) and query.having == ()


def test_a_share_per_product_leaves_out_calls_without_one(reader: QuestionReader) -> None:
    reading = reader.read("For each product, what share of its calls showed cancellation intent?", TODAY)
    numerator, denominator = (
        getattr(reading.query, "numerator", None),
        getattr(reading.query, "denominator", None),
    )
    assert numerator is not None and denominator is not None, reading
    assert "call__summary_product" in numerator.present and "call__summary_product" in denominator.present


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("how many hours did customers spend on hold in february altogether", "total_hold_time_hours"),
        ("total hours of talk time by team", "total_talk_time_hours"),
    ],
)
def test_hours_counted_are_time_spent(reader: QuestionReader, question: str, metric: str) -> None:
    assert _read(reader, question).metrics == (metric,)


@pytest.mark.parametrize(
    ("question", "check"),
    [
        ("what's the 75th percentile call duration", lambda q: q.metrics == ("p75_call_duration",)),
        ("customer talk speed (wpm) by queue", lambda q: q.metrics == ("average_customer_talk_speed",)),
        (
            "how many calls matched more than one category?",
            lambda q: q.conditions == (("call__categories", ">", 1.0),),
        ),
        (
            "how many calls matched 3 or more categories?",
            lambda q: q.conditions == (("call__categories", ">=", 3.0),),
        ),
        ("how many distinct calls did we evaluate in january", lambda q: q.metrics == ("evaluated_calls",)),
        ("Which QA form question do agents score best on?", lambda q: q.metrics == ("average_answer_score",)),
    ],
)
def test_percentiles_units_and_counts_said_in_words(
    reader: QuestionReader, question: str, check: Any
) -> None:
    assert check(_read(reader, question)), _read(reader, question)


def test_an_id_named_as_a_column_is_no_single_row(reader: QuestionReader) -> None:
    from lambdas.shared.answering.evaluation_lists import EvaluationListReader

    reading = EvaluationListReader(reader).read(
        "list the automatic fails since March 25 - show evaluation id, agent, evaluator and date", TODAY
    )
    assert reading.query is not None and reading.query.limit is None, reading


def test_which_section_scores_lowest_is_one_section(reader: QuestionReader) -> None:
    query = _read(reader, "which section scores lowest on average")
    assert query.limit == 1 and query.order_by == "average_section_score"


def test_a_customer_id_asked_of_one_call_is_shown(reader: QuestionReader) -> None:
    from lambdas.shared.answering.call_lists import ListReader

    reading = ListReader(reader).read(
        "Which customer id is on call fcab8625-bb1a-4309-a846-f206d117a035?", TODAY
    )
    assert reading.query is not None and "customer_id AS customer_id" in reading.query.extra


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("board pack due friday. how many calls did we handle in Q1 in total?", ("calls",)),
        ("Total handle time in hours per team for March. Doing the FTE model.", ("total_handle_time_hours",)),
        (
            "resolution rate by team please - the board asked for it",
            ("resolution_rate",),
        ),
    ],
)
def test_an_aside_that_names_nothing_is_commentary(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


def test_an_aside_that_names_something_or_narrows_is_read(reader: QuestionReader) -> None:
    # "inbound" in the second sentence is a filter: the sentence is read, not dropped
    query = _read(
        reader, "What hours of the day do calls come in? Give me the number of inbound calls for each hour."
    )
    assert query.filters == (("call__direction", "INBOUND"),)
    _refused(reader, "calls by team. enterprise segment.")  # a bare fragment may be a filter
    _refused(reader, "calls by team - we want enterprise only")  # narrows: never dropped


def test_a_negative_or_decimal_number_keeps_its_sign_and_fraction(reader: QuestionReader) -> None:
    # normalising drops punctuation: "-2" must not be read as 2, nor "3.5" as 3 and 5
    assert _read(reader, "calls with customer sentiment below -2").conditions == (
        ("call__customer_sentiment", "<", -2.0),
    )
    assert _read(reader, "calls with customer sentiment below -0.5").conditions == (
        ("call__customer_sentiment", "<", -0.5),
    )
    having = _read(reader, "which agents have an average CSAT under 3.5?").having
    assert having == (("average_csat", "<", 3.5),)
    # a negative bound on a metric per group is not read (yet): refused, never read as positive
    _refused(reader, "which teams have an average customer sentiment below -1")


@pytest.mark.parametrize(
    ("question", "check"),
    [
        (
            "whats our average CSAT score, all data",
            lambda q: q.metrics == ("average_csat",) and q.period is None,
        ),
        ("calls by hour of day (UTC), whole dataset", lambda q: q.group_by == ("call__hour_of_day",)),
        (
            "how many agents in each team took at least one call in february",
            lambda q: q.metrics == ("distinct_agents",) and q.group_by == ("call__team",),
        ),
        (
            "Which Billing East agent resolved the most calls in Q1?",
            lambda q: q.metrics == ("resolved_calls",) and q.limit == 1,
        ),
        ("AHT billing east vs tech tier 1, whole quarter", lambda q: q.period is not None),
        ("inbound call volume by hour of day (UTC), whole data set", lambda q: q.period is None),
        (
            "how many calls ended up not resolved?",
            lambda q: q.metrics == ("unresolved_calls",) and q.period is None,
        ),
        ("how many calls wound up unresolved in March", lambda q: q.metrics == ("unresolved_calls",)),
        (
            "how many evals have auto-failed since 15 March?",
            lambda q: q.metrics == ("automatic_fails",) and q.period.start == dt.date(2026, 3, 15),
        ),
        (
            "the three busiest days of February by call volume?",
            lambda q: q.metrics == ("calls",) and q.limit == 3 and q.order_by == "-calls",
        ),
        ("which two agents handled the most calls in March", lambda q: q.limit == 2),
        (
            "Which evaluator hands out the most auto-fails?",
            lambda q: (
                q.metrics == ("automatic_fails",)
                and q.group_by == ("evaluation__evaluator",)
                and q.limit == 1
            ),
        ),
        (
            "avg QA score each evaluator gave out in Feb",
            lambda q: q.metrics == ("average_qa_score",) and q.group_by == ("evaluation__evaluator",),
        ),
        ("Has AHT come down? January vs March, in minutes.", lambda q: q.versus is not None),
        (
            "Monthly avg QA score, human evaluators only (leave contact lens out)",
            lambda q: q.grain == "month" and [v for _, v in q.filters] == ["MANUAL"],
        ),
        (
            "avg QA score by human evaluators vs automation",
            lambda q: q.group_by == ("evaluation__evaluation_source",) and not q.filters,
        ),
        (
            "how many 1-star survey answers in March?",
            lambda q: q.metrics == ("calls",) and [c[1:] for c in q.conditions] == [(">=", 1.0), ("<=", 1.0)],
        ),
        (
            "Which category shows up most often on calls through the Billing queue?",
            lambda q: [v for _, v in q.filters] == ["Billing"] and q.limit == 1,
        ),
    ],
)
def test_still_more_everyday_wordings(reader: QuestionReader, question: str, check: Any) -> None:
    assert check(_read(reader, question)), _read(reader, question)


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("average handle time by team, not the count", ("average_handle_time",)),
        ("how many calls by team, not the rate", ("calls",)),
        ("what is the callback rate, not the count", ("callback_rate",)),
    ],
)
def test_what_the_reading_is_not_said_to_make_it_plain(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


def test_what_the_reading_is_said_not_to_be_but_is_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "how many calls by team, not the count")


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("what share of our calls got a post-call survey answer", "survey_response_rate"),
        ("What percentage of all calls got at least one QA evaluation?", "evaluated_call_rate"),
    ],
)
def test_a_rate_said_with_its_condition_in_full(reader: QuestionReader, question: str, metric: str) -> None:
    assert _read(reader, question).metrics == (metric,)


@pytest.mark.parametrize(
    ("question", "check"),
    [
        (
            "quick one before my staff mtg - how many calls did we handle in february?",
            lambda q: q.metrics == ("calls",),
        ),
        ("Whcih team has the longest average hold time?", lambda q: q.limit == 1),
        (
            "Billing East vs Tech Tier 1 - AHT last month? one number each",
            lambda q: q.group_by == ("call__team",),
        ),
        (
            "whats the longest handle time on a single call last month?",
            lambda q: q.metrics == ("max_handle_time",),
        ),
        (
            "cancellation-intent calls that weren't resolved",
            lambda q: any("resolved" in str(f) for f in q.filters + q.conditions) or q.metrics != ("calls",),
        ),
    ],
)
def test_wordings_of_a_staff_meeting(reader: QuestionReader, question: str, check: Any) -> None:
    assert check(_read(reader, question)), _read(reader, question)


def test_a_clarification_naming_a_second_measure_is_no_second_metric(reader: QuestionReader) -> None:
    query = _read(reader, "how many different agents got evaluated in February? (agents, not evaluations)")
    assert query.metrics == ("evaluated_agents",) and query.period is not None


def test_a_team_named_before_a_share_scopes_both_counts(reader: QuestionReader) -> None:
    reading = reader.read("For the Billing East team, what share of survey answers were a 4 or 5?", TODAY)
    numerator, denominator = (
        getattr(reading.query, "numerator", None),
        getattr(reading.query, "denominator", None),
    )
    assert numerator is not None and denominator is not None, reading
    assert numerator.filters == denominator.filters == (("call__team", "Billing East"),)
    assert numerator.conditions == (("call__csat", ">=", 4.0), ("call__csat", "<=", 5.0))


def test_an_aside_with_a_word_of_a_long_value_or_a_part_of_a_phrase_is_still_commentary(
    reader: QuestionReader,
) -> None:
    # "line" is a word of "line of business" and of a form question, neither said whole
    query = _read(reader, "Billing queue - calls by hour of day. Want to line up shifts with demand")
    assert query.group_by == ("call__hour_of_day",) and query.filters == (("call__queue", "Billing"),)


@pytest.mark.parametrize(
    ("question", "check"),
    [
        ("calls by team. it's for inbound", lambda q: q.filters == (("call__direction", "INBOUND"),)),
        ("average handle time. my manager wants it by team", lambda q: q is None),
    ],
)
def test_an_aside_naming_what_a_reading_uses_is_never_dropped(
    reader: QuestionReader, question: str, check: Any
) -> None:
    reading = reader.read(question, TODAY)
    assert check(reading.query), reading


def test_members_counted_by_an_average_of_theirs(reader: QuestionReader) -> None:
    query = _read(reader, "how many agents had an AHT over 8 minutes in March?")
    assert query.count_groups == "agents" and query.group_by == ("call__agent_name",)
    assert query.having == (("average_handle_time", ">", 480.0),)
    below = _read(reader, "how many agents have an average QA score below 75")
    assert below.count_groups == "agents" and below.having == (("average_qa_score", "<", 75.0),)
    # a time after the number is one call's: their calls or theirs, never the calls counted instead
    _refused(reader, "how many agents had calls over 10 minutes")
    _refused(reader, "how many customers had calls over 10 minutes")


@pytest.mark.parametrize(
    ("question", "order_by"),
    [
        ("rank the queues by CSAT, lowest first", "average_csat"),
        ("rank all queues by CSAT from lowest to highest", "average_csat"),
        ("sort the agents by QA score ascending", "average_qa_score"),
        ("rank the teams by AHT, best first", "average_handle_time"),
        ("rank all the teams by AHT, highest first", "-average_handle_time"),
        ("rank the teams by AHT", "-average_handle_time"),
    ],
)
def test_a_ranking_keeps_the_order_said_after_it(
    reader: QuestionReader, question: str, order_by: str
) -> None:
    query = _read(reader, question)
    assert query.order_by == order_by and query.limit is None


@pytest.mark.parametrize(
    ("question", "bounds"),
    [
        ("whats the AHT for calls starting at 8pm or later? seconds is fine", ((">=", 20.0),)),
        ("calls after 8 p.m. last month", ((">=", 20.0),)),
        ("how many calls came in before 6am", (("<", 6.0),)),
        ("calls between 9am and 5pm by team", ((">=", 9.0), ("<", 17.0))),
        ("calls by hour of day for hours 20 to 23, whole quarter", ((">=", 20.0), ("<=", 23.0))),
        (
            "between midnight and 6am (hours 0-5) which hour gets the most calls?",
            ((">=", 0.0), ("<", 6.0), ("<=", 5.0)),
        ),
        ("calls from noon to 14:00", ((">=", 12.0), ("<", 14.0))),
    ],
)
def test_calls_by_the_hour_of_day_they_started(
    reader: QuestionReader, question: str, bounds: tuple[tuple[str, float], ...]
) -> None:
    query = _read(reader, question)
    assert tuple((op, n) for name, op, n in query.conditions if name == "call__hour_of_day") == bounds


def test_hours_that_cannot_be_read_are_refused(reader: QuestionReader) -> None:
    _refused(reader, "calls after 9:30pm")  # the hour of day is whole hours
    _refused(reader, "calls between 10pm and 6:30am")
    # a part of the day named without its hours: no one knows which hours
    _refused(reader, "how many calls overnight in March?")
    _refused(reader, "how many day shift calls in March?")


@pytest.mark.parametrize(
    ("question", "bounds"),
    [
        ("calls between 10pm and 6am", ((">=|", 22.0), ("<|", 6.0))),
        ("calls in hours 22 to 3", ((">=|", 22.0), ("<=|", 3.0))),
        ("calls from 22:00 to 05:59 in march", ((">=|", 22.0), ("<|", 6.0))),
        (
            "night shift TL here. how many calls did we handle overnight in march? (overnight = starts 22:00-05:59 UTC)",
            ((">=|", 22.0), ("<|", 6.0)),
        ),
        (
            "for my night shift: AHT by hour for the overnight hours only (22:00 to 05:59 UTC), Q1",
            ((">=|", 22.0), ("<|", 6.0)),
        ),
        ("calls between 20:00 and midnight", ((">=", 20.0),)),
    ],
)
def test_hours_across_midnight_hold_either_bound(
    reader: QuestionReader, question: str, bounds: tuple[tuple[str, float], ...]
) -> None:
    query = _read(reader, question)
    assert tuple((op, n) for name, op, n in query.conditions if name == "call__hour_of_day") == bounds
    where = query.to_arguments().get("where_constraints", [])
    if any(op.endswith("|") for op, _ in bounds):
        (either,) = [w for w in where if " OR " in w]
        assert either.startswith("(") and "hour_of_day') }} >= 22.0 OR" in either, where


def test_hours_across_midnight_are_said_and_counted(answerer: Any) -> None:
    from lambdas.shared.answering.semantic import _hours_described

    assert _hours_described([(">=|", 22.0), ("<|", 6.0)]) == "hour of day 22:00–05:59 (UTC, across midnight)"
    answer = answerer.answer("how many calls started between 22:00 and 05:59?")
    assert "22:00–05:59 (UTC, across midnight)" in answer.text, answer.text
    assert "OR" in (answer.sql or ""), answer.sql


def test_an_hour_of_day_bound_is_said_in_the_answer(reader: QuestionReader) -> None:
    from lambdas.shared.answering.semantic import _hours_described

    assert _hours_described([(">=", 20.0)]) == "hour of day 20:00–23:59 (UTC)"
    assert _hours_described([(">=", 0.0), ("<", 6.0), ("<=", 5.0)]) == "hour of day 00:00–05:59 (UTC)"


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("how many distinct calls got evaluated in february? calls, not evaluations", ("evaluated_calls",)),
        ("how many calls were evaluated in feb (calls, not evaluations)", ("evaluated_calls",)),
        ("avg wrap up per team in minutes (not handle time)", ("average_after_call_work",)),
        ("how many survey responses did each team get? the count, not the score", ("surveyed_calls",)),
    ],
)
def test_a_clarification_of_what_the_answer_is_not_is_read(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


@pytest.mark.parametrize(
    "question",
    [
        "calls by team, not Billing East",  # a value: an exclusion, not a clarification
        "aht by team, not by agent",  # a grouping
        "calls, not evaluated ones",  # no measure ruled out: a filter, unread
        "how many evaluations in feb, not evaluations",  # rules out the measure it reads
    ],
)
def test_a_not_that_filters_or_contradicts_is_never_dropped(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_surveyed_calls_are_counted(reader: QuestionReader) -> None:
    assert _read(reader, "how many survey responses did we get").metrics == ("surveyed_calls",)
    assert _read(reader, "number of calls with a survey answer by team").group_by == ("call__team",)


# ---------------------------------------------------------------------------------------------- everyday wordings


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        ("How many unique customers reached us last month?", ("customers",), ()),
        ("how many customers got in touch with us in march", ("customers",), ()),
        ("which agent got evaluated the most in Feb?", ("evaluations",), ("agent__agent_name",)),
        ("which team was evaluated the least", ("evaluations",), ("evaluation__team",)),
        (
            "per queue: number of calls AND avg CSAT, both columns",
            ("calls", "average_csat"),
            ("call__queue",),
        ),
    ],
)
def test_everyday_wordings_are_read(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)


def test_the_least_evaluated_is_ranked_lowest_first(reader: QuestionReader) -> None:
    query = _read(reader, "which team was evaluated the least")
    assert (query.order_by, query.limit) == ("evaluations", 1)
    assert _read(reader, "which agent got evaluated the most in Feb?").order_by == "-evaluations"


def test_a_share_of_call_volume_is_a_share_of_all_calls(reader: QuestionReader) -> None:
    reading = reader.read("each queue's share of total call volume (%)", TODAY)
    assert isinstance(reading.query, ShareQuery), reading
    assert reading.query.numerator.group_by == ("call__queue",)


def test_call_topics_are_counted_as_topics(reader: QuestionReader) -> None:
    query = _read(reader, "how many call topics have a resolution rate under 60%? just the number")
    assert query.count_groups is not None
    assert query.having == (("resolution_rate", "<", 60.0),)


# ---------------------------------------------------------------------------------------------- asides


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "filters"),
    [
        # the asker's own words, said again in the request in another name of the value
        ("Spanish queue lead here. whats the average CSAT on our es-US calls?", ("average_csat",), (), 1),
        # an aside naming only what the request names ("evaluators" … "per evaluator")
        (
            "auditing my evaluators. number of submitted evaluations per evaluator for the quarter",
            ("evaluations",),
            ("evaluation__evaluator",),
            0,
        ),
        # a meeting said with digits is no number
        (
            "Which team has the lowest resolution rate? Need a name for my 1:1s",
            ("resolution_rate",),
            ("call__team",),
            0,
        ),
        ("AHT by agent for my one-on-ones", ("average_handle_time",), ("call__agent_name",), 0),
        # a purpose said after the request without a comma
        (
            "avg queue wait by queue (seconds) for the email table",
            ("average_queue_wait",),
            ("call__queue",),
            0,
        ),
    ],
)
def test_asides_naming_nothing_new_are_dropped(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...], filters: int
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, len(query.filters)) == (metrics, group_by, filters)


@pytest.mark.parametrize(
    "question",
    [
        # the aside names another value than the request: never dropped
        "Spanish queue lead here. whats the average CSAT on our en-US calls?",
        # "weekly" of a report is no grain, and the report is not dropped while it names one
        "AHT by team for my weekly report",
        "AHT by team - for the weekly ops review",
    ],
)
def test_asides_naming_something_of_their_own_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_an_aside_with_a_value_of_its_own_stays_a_filter(reader: QuestionReader) -> None:
    query = _read(reader, "my Billing agents. AHT by agent last month")
    assert query.filters == (("call__queue", "Billing"),)
    assert _read(reader, "calls per team for the Billing East team").filters == (
        ("call__team", "Billing East"),
    )


# ---------------------------------------------------------------------------------------------- two periods, two values


@pytest.mark.parametrize(
    "question",
    [
        "was CSAT better in january or february? give me both numbers",
        "was AHT higher in january or february",
        "were there more calls in january or february?",
        "Did volume drop from Jan to Feb? give me total calls for each of the two months",
    ],
)
def test_which_of_two_months_shows_both(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.period is not None and query.versus is not None
    assert (query.grain, query.difference) == ("month", False)


def test_a_change_asked_alone_stays_a_change(reader: QuestionReader) -> None:
    assert _read(reader, "Did volume drop from Jan to Feb?").difference
    assert _read(reader, "by how much did calls drop from jan to feb? give me both numbers").difference


def test_the_other_of_two_values_said_after_rather_than_is_dropped(reader: QuestionReader) -> None:
    reading = reader.read(
        "What share of evaluations were done by automation (contact lens) rather than a person?", TODAY
    )
    assert isinstance(reading.query, ShareQuery), reading
    assert reading.query.numerator.filters == (("evaluation__evaluation_source", "AUTOMATED"),)


@pytest.mark.parametrize(
    "question",
    [
        # of more than two values, "rather than" leaves the base unsaid
        "share of calls with an issue rather than an outcome",
        # a parenthesis naming another value than the one said before it
        "avg CSAT on Spanish (en-US) calls",
    ],
)
def test_a_second_value_that_changes_the_question_is_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("evaluated calls per team", "evaluated_calls"),
        ("evaluated calls per team (calls with a submitted evaluation)", "evaluated_calls"),
        ("How many calls did QA evaluate in March?", "evaluated_calls"),
        ("share of calls evaluated per team", "evaluated_call_rate"),
        ("how many calls had at least one action item? (calls, not items)", "calls_with_insight"),
        (
            "how many calls in March had at least one action item? calls, not action items",
            "calls_with_insight",
        ),
    ],
)
def test_evaluated_and_insight_calls_are_counted(reader: QuestionReader, question: str, metric: str) -> None:
    assert _read(reader, question).metrics == (metric,)


def test_a_count_clarified_by_a_value_not_named_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "how many calls in Billing? calls, not Billing East")


# ---------------------------------------------------------------------------------------------- one participant's talk time


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        (
            "how many hours did customers themselves spend talking in February? total",
            "total_customer_talk_time_hours",
        ),
        (
            "total customer talk time in hours for Q1 — just the customer side, not the agents",
            "total_customer_talk_time_hours",
        ),
        (
            "how many hours did agents spend actually talking in march? (agent talk time only, not customers)",
            "total_agent_talk_time_hours",
        ),
        ("average customer talk time", "average_customer_talk_time"),
        ("agent talk time by team", "average_agent_talk_time"),
        ("average talk time", "average_talk_time"),
        ("avg AGENT sentiment by team - not the customers", "average_agent_sentiment"),
    ],
)
def test_one_participants_talk_time_is_its_own_metric(
    reader: QuestionReader, question: str, metric: str
) -> None:
    assert _read(reader, question).metrics == (metric,)


@pytest.mark.parametrize(
    "question",
    [
        # the clarification contradicts the measure read, or the measure is no one participant's
        "how many hours did agents spend talking in march? (customer talk time, not agents)",
        "total talk time in hours for Q1, not the agents",
    ],
)
def test_a_participant_ruled_out_that_the_measure_does_not_name_is_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


# ---------------------------------------------------------------------------------------------- the rows said whole


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("overall avg QA score across every evaluation we have", "average_qa_score"),
        ("overall auto-fail rate across all submitted evals?", "automatic_fail_rate"),
        ("average CSAT across all calls", "average_csat"),
    ],
)
def test_all_the_rows_a_measure_is_about_are_no_filter(
    reader: QuestionReader, question: str, metric: str
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.filters, query.group_by) == ((metric,), (), ())


def test_each_evaluation_form_stays_a_grouping(reader: QuestionReader) -> None:
    assert _read(reader, "Automatic fail rate (%) for each evaluation form").group_by == (
        "evaluation__form_title",
    )


@pytest.mark.parametrize(
    "question", ["average handle time across all evaluations", "average handle time of evaluations"]
)
def test_a_calls_measure_said_of_evaluations_is_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_grain_ruled_out_after_the_request_is_read(reader: QuestionReader) -> None:
    assert _read(reader, "AHT by week for March, not by day").grain == "week"
    _refused(reader, "AHT for March, not by day")  # no grain read: the clarification is unread
    _refused(reader, "AHT by day for March, not by day")  # contradicts the request


def test_both_months_asked_after_a_change_shows_both(reader: QuestionReader) -> None:
    # the request "give me both months" is an aside of its own, yet it says what is shown
    query = _read(reader, "did AHT go up from feb to march? give me both months")
    assert query.versus is not None and not query.difference
    assert not _read(reader, "did AHT go up from jan to feb? give me both numbers").difference


def test_both_months_asked_of_one_month_is_refused(reader: QuestionReader) -> None:
    reading = _refused(reader, "AHT in March? give me both months")
    assert "two periods" in reading.reason


# ---------------------------------------------------------------------------------------------- more everyday wordings


def test_which_two_is_a_count_not_a_form_version() -> None:
    reader = QuestionReader(SemanticManifest.load(), {**VALUES, "form version": ["1", "2"]})
    query = _read(reader, "which 2 teams had the most calls")
    assert (query.group_by, query.limit) == (("call__team",), 2)


@pytest.mark.parametrize(
    ("question", "metrics", "filters"),
    [
        ("how many march calls got a QA evaluation?", ("evaluated_calls",), ()),
        ("how many calls per queue didnt get resolved", ("unresolved_calls",), ()),
        (
            "how many distinct calls have at least one evaluation on them this quarter?",
            ("evaluated_calls",),
            (),
        ),
        (
            "how many different topics came through the Billing queue?",
            ("distinct_topics",),
            (("call__queue", "Billing"),),
        ),
        ("number of calls tagged escalation-request per team this qtr", ("categorised_calls",), 1),
        ("avg daily call volume over the last 4 weeks", ("average_calls_per_day",), ()),
    ],
)
def test_more_everyday_wordings_are_read(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], filters: Any
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics
    assert (len(query.filters) if isinstance(filters, int) else query.filters) == filters


def test_a_month_before_calls_is_their_period(reader: QuestionReader) -> None:
    query = _read(reader, "how many march calls were resolved?")
    assert query.period is not None and query.period.start == dt.date(2026, 3, 1)
    assert _read(reader, "calls this qtr").period == _read(reader, "calls this quarter").period


def test_one_line_per_month_is_the_grain_said_again(reader: QuestionReader) -> None:
    assert _read(reader, "monthly call volume for the quarter, one line per month").grain == "month"
    assert _read(reader, "call volume for the quarter, one line per month").grain == "month"


def test_the_most_common_category_of_some_calls_ranks_categories(reader: QuestionReader) -> None:
    query = _read(reader, "most common category on outbound calls?")
    assert (query.group_by, query.limit) == (("call_category__category",), 1)
    assert query.filters == (("call_category__direction", "OUTBOUND"),)


def test_a_restated_value_may_say_ones(reader: QuestionReader) -> None:
    query = _read(reader, "auto-fail rate for the evaluations done by humans (manual ones)")
    assert query.filters == (("evaluation__evaluation_source", "MANUAL"),)


# ---------------------------------------------------------------------------------------------- purposes


@pytest.mark.parametrize(
    "question",
    [
        "wfm here - need AHT in minutes for march pls, it goes into the staffing model",
        "top 5 agents by average QA score in Q1 (for the recognition slide)",
        "total handle time in hours for each month, for the capacity plan",
        "the 3 QA questions with the lowest avg score, need them for the coaching plan",
        "escalation desk. number of calls tagged escalation-request per team this qtr",
        "renewals push: which 3 reps got the most calls flagged cancellation-intent?",
        "need the intraday curve for scheduling: inbound calls by hour of day",
    ],
)
def test_what_the_answer_is_for_is_dropped(reader: QuestionReader, question: str) -> None:
    _read(reader, question)


def test_a_word_of_a_longer_value_in_a_purpose_is_no_value() -> None:
    reader = QuestionReader(SemanticManifest.load(), {**VALUES, "product": ["Mobile Plan", "Broadband"]})
    assert _read(reader, "AHT by team, for the coaching plan").filters == ()
    # the whole value said stays a filter
    assert _read(reader, "calls by team for the mobile plan").filters == (
        ("call__summary_product", "Mobile Plan"),
    )


# ---------------------------------------------------------------------------------------------- values said to be included


@pytest.mark.parametrize(
    "question",
    [
        "how many evaluations has each evaluator done? include the automation one",
        "how many evaluations did each evaluator submit in march? incl. the automation",
    ],
)
def test_a_value_said_to_be_included_in_an_unfiltered_answer_is_dropped(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert (query.group_by, query.filters) == (("evaluation__evaluator",), ())


def test_a_value_included_next_to_a_filter_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "calls by team for Billing East, including Tech Tier 1")


@pytest.mark.parametrize(
    "question",
    [
        "for each team, what share of their feb calls got a QA evaluation?",
        "what % of march calls got a QA evaluation?",
    ],
)
def test_the_evaluated_call_rate_of_a_period_is_refused(reader: QuestionReader, question: str) -> None:
    # its numerator counts evaluations by their own day: not the share of the period's calls that were evaluated
    assert "evaluated-call rate" in _refused(reader, question).reason


def test_the_evaluated_call_rate_over_all_data_is_read(reader: QuestionReader) -> None:
    assert _read(reader, "what % of calls got a QA evaluation by team").metrics == ("evaluated_call_rate",)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "period"),
    [
        # "<period> only": the period; a span of months with a dash; evals and submitted evaluations
        (
            "Which agent interrupts customers the most per call? march only",
            ("average_agent_interruptions",),
            ("call__agent_name",),
            (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        ),
        (
            "avg qa score by team, feb evals only",
            ("average_qa_score",),
            ("evaluation__team",),
            (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        ),
        (
            "calls by team, in march only",
            ("calls",),
            ("call__team",),
            (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        ),
        (
            "For the board deck: average QA score by month, Jan–Mar.",
            ("average_qa_score",),
            (),
            (dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
        ),
        (
            "whats the avg QA score across evals submitted in march?",
            ("average_qa_score",),
            (),
            (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        ),
        (
            "weekly call totals for March pls",
            ("calls",),
            (),
            (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        ),
        (
            "Customer sentiment: inbound compared with outbound calls in March?",
            ("average_customer_sentiment",),
            ("call__direction",),
            (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        ),
        (
            "number of calls in each call analytics category in February?",
            ("categorised_calls",),
            ("call_category__category",),
            (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        ),
    ],
)
def test_periods_said_as_the_only_one_or_as_a_span_and_plain_synonyms(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    period: tuple[dt.date, dt.date],
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)
    assert query.period is not None and (query.period.start, query.period.end) == period


def test_a_span_of_months_and_call_totals_keep_their_grain(reader: QuestionReader) -> None:
    assert _read(reader, "average QA score by month, January-March").grain == "month"
    assert _read(reader, "weekly call totals for March pls").grain == "week"


def test_only_after_a_value_that_is_no_period_stays_to_be_read(reader: QuestionReader) -> None:
    _refused(reader, "how many calls, enterprise only")
    _refused(reader, "calls by team, march only, premium only")


def test_a_list_keeps_an_aside_that_asks_for_something_it_shows(answerer: Any) -> None:
    from lambdas.shared.answering.call_lists import ListReader, names_columns

    lists = ListReader(answerer.reader)
    # "what was it about and did it get resolved" asks for the call's topic and resolution: never an aside
    assert names_columns(lists, "call 1 - what was it about and did it get resolved?", "call 1")
    assert not names_columns(lists, "Audit log: list the calls from March", "list the calls from March")


@pytest.mark.parametrize(
    ("question", "metrics", "period"),
    [
        # a heading that names the period gives it to the request
        ("Ops review for Q1: calls by team", ("calls",), (dt.date(2026, 1, 1), dt.date(2026, 4, 1))),
        # a slide's number and a period no data is about yet are the purpose's
        (
            "Board deck slide 4: average CSAT per month, Jan to Mar.",
            ("average_csat",),
            (dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
        ),
        ("AHT by team please, seconds is fine. sizing next quarter", ("average_handle_time",), None),
        (
            "how many outbound calls did we place in feb",
            ("calls",),
            (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        ),
    ],
)
def test_headings_and_purposes_with_a_period_or_a_number(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], period: tuple[dt.date, dt.date] | None
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics
    assert (query.period.start, query.period.end) == period if query.period else period is None


@pytest.mark.parametrize(
    "question",
    [
        "Ops review for Q1: calls by team in March",  # two periods: which one?
        "AHT by team - next quarter",  # no purpose said: a period with no data yet
        "Billing review for March: calls by team",  # "review" is no misspelt "reviews" (evaluations)
    ],
)
def test_headings_with_a_period_that_stay_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_calls_answered_within_a_time_are_inbound_calls(reader: QuestionReader) -> None:
    reading = reader.read("service level check: % of calls answered within 30 seconds in March", TODAY)
    assert isinstance(reading.query, ShareQuery), reading.reason
    assert ("call__direction", "INBOUND") in [(f[0], f[1]) for f in reading.query.denominator.filters]


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        # a sentence musing on why, naming only values the answer is split by
        (
            "how many calls per language? thinking about a spanish line business case",
            ("calls",),
            ("call__language",),
        ),
        (
            "callback rate, Billing East vs Tech Tier 1. my gut says tech needs way more callbacks",
            ("callback_rate",),
            ("call__team",),
        ),
        (
            "Avg CSAT per product. trying to see if the app-heavy products score worse",
            ("average_csat",),
            ("call__summary_product",),
        ),
    ],
)
def test_a_sentence_musing_on_why_is_dropped(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)


@pytest.mark.parametrize(
    "question",
    [
        "avg qa score by team. wondering about march",  # a period: maybe the one asked
        "AHT by team. I think only billing matters",  # narrows
        "AHT by agent. trying to see where billing stands",  # a value the answer is not split by
        "calls by agent. thinking about the Billing East team",
        "AHT by team. thinking about the last 2 weeks",
    ],
)
def test_a_musing_sentence_that_may_narrow_is_kept(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metrics", "conditions", "limit"),
    [
        ("AHT for the whole quarter, in minutes. one line is fine", ("average_handle_time",), (), None),
        (
            "how many calls in march had more than 2 minutes of hold?",
            ("calls",),
            (("call__hold_time_minutes", ">", 2.0),),
            None,
        ),
        (
            "how many calls in March had more than 2 minutes of hold time",
            ("calls",),
            (("call__hold_time_minutes", ">", 2.0),),
            None,
        ),
        (
            "calls last month with less than 30 seconds of queue wait time",
            ("calls",),
            (("call__queue_wait_minutes", "<", 0.5),),
            None,
        ),
        ("longest single hold time this quarter (seconds)?", ("max_hold_time",), (), None),
        ("busiest 3 hours of the day in march by call volume?", ("calls",), (), 3),
    ],
)
def test_shapes_said_aloud_and_numbers_said_first(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    conditions: tuple[tuple[str, str, float], ...],
    limit: int | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.conditions, query.limit) == (metrics, conditions, limit)


def test_the_directions_said_after_the_grouping_are_the_grouping(reader: QuestionReader) -> None:
    query = _read(reader, "avg customer sentiment split by call direction (inbound/outbound)")
    assert (query.group_by, query.filters) == (("call__direction",), ())


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        # a scale said as which score is meant; "just joined"; "so I can …"; "we're recalibrating …"
        ("What's our average post-call survey score (the 1-5 one)?", ("average_csat",), ()),
        (
            "what was avg customer sentiment in march (the -5 to +5 score)?",
            ("average_customer_sentiment",),
            (),
        ),
        (
            "PM for the product side, just joined. avg csat by product?",
            ("average_csat",),
            ("call__summary_product",),
        ),
        (
            "calls by hour of day across the quarter, so I can shape the intraday staffing curve",
            ("calls",),
            ("call__hour_of_day",),
        ),
        (
            "Billing East vs Tech Tier 1 AHT in March — who's slower?",
            ("average_handle_time",),
            ("call__team",),
        ),
    ],
)
def test_scales_purposes_and_a_comparison_s_question_said_aloud(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)


def test_a_scale_of_another_measure_is_not_dropped(reader: QuestionReader) -> None:
    _refused(reader, "average customer sentiment (the 1-5 one)")  # sentiment is -5..+5: which score is this?


@pytest.mark.parametrize(
    "question",
    [
        "how many issues, outcomes and action items were detected in march, by type",
        "how many issues / outcomes / action items were detected in march, by type",
        "For the monthly report: number of issues, outcomes and action items detected in March, broken out by type.",
        "how many issues, outcomes and action items got detected in March? one row per type",
    ],
)
def test_every_insight_type_listed_with_a_split_by_type_is_the_insights_by_type(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.filters) == (
        ("insights",),
        ("call_insight__insight_type",),
        (),
    )


@pytest.mark.parametrize(
    "question",
    [
        "how many issues and outcomes in march by type",  # not every type: which ones?
        "how many issues, outcomes and action items in march",  # each, or all together?
    ],
)
def test_some_insight_types_or_no_split_stay_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "order", "limit"),
    [
        (
            "3 agents whose customers have the lowest average sentiment",
            ("average_customer_sentiment",),
            ("call__agent_name",),
            "average_customer_sentiment",
            3,
        ),
        ("what % of calls actually got a survey answer back?", ("survey_response_rate",), (), None, None),
        (
            "on average how many categories get matched per call?",
            ("average_categories_per_call",),
            (),
            None,
            None,
        ),
        ("what was our quietest single day in Q1? (fewest calls)", ("calls",), (), "calls", 1),
    ],
)
def test_whose_customers_answers_back_and_single_days(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    order: str | None,
    limit: int | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.order_by, query.limit) == (metrics, group_by, order, limit)


def test_where_the_customer_was_negative_is_a_sentiment_below_zero(reader: QuestionReader) -> None:
    reading = reader.read("% of calls where the customer was negative", TODAY)
    assert isinstance(reading.query, ShareQuery), reading.reason
    assert reading.query.numerator.conditions == (("call__customer_sentiment", "<", 0.0),)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "limit"),
    [
        (
            "Which 5 agents interrupt customers the most",
            ("average_agent_interruptions",),
            ("call__agent_name",),
            5,
        ),
        (
            "For each agent, how often do they interrupt the customer on average per call?",
            ("average_agent_interruptions",),
            ("call__agent_name",),
            None,
        ),
        (
            "As product owner I'd like to see average customer sentiment for each product we support.",
            ("average_customer_sentiment",),
            ("call__summary_product",),
            None,
        ),
        (
            "Hi all, first week as a team leader - how many different agents actually took calls this quarter?",
            ("distinct_agents",),
            (),
            None,
        ),
        (
            "top 3 teams with the most dead air (avg non-talk %)",
            ("average_non_talk_time_percent",),
            ("call__team",),
            3,
        ),
    ],
)
def test_numbered_which_pronouns_and_products_we_support(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    limit: int | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.limit) == (metrics, group_by, limit)


@pytest.mark.parametrize(
    ("question", "metrics", "filters", "grain"),
    [
        ("weekly call totals for March pls (weeks starting monday)", ("calls",), (), "week"),
        ("auto-fail rate by week for march (% of submitted evals)", ("automatic_fail_rate",), (), "week"),
        (
            "how many calls with cancellation-intent (the category) in march",
            ("categorised_calls",),
            (("call_category__category", "cancellation-intent"),),
            None,
        ),
        ("avg AHT for billing (the queue)", ("average_handle_time",), (("call__queue", "Billing"),), None),
    ],
)
def test_conventions_and_kinds_said_in_brackets(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    filters: tuple[tuple[str, str], ...],
    grain: str | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.filters, query.grain) == (metrics, filters, grain)


def test_a_kind_in_brackets_that_the_value_is_not_of_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "calls on billing (the team) in march")  # Billing is a queue: no team has that name


def test_calls_with_their_columns_named_are_a_list_that_shows_the_team(answerer: Any) -> None:
    answer = answerer.answer("escalation-request calls — call id, team and customer sentiment please")
    assert not answer.refused, answer.text
    assert {"call_id", "team", "customer_sentiment"} <= set(answer.columns)


def test_a_survey_score_given_is_a_csat_condition_on_a_list(answerer: Any) -> None:
    answer = answerer.answer("calls where the customer gave a 1 on the survey: call id, agent name, queue")
    assert not answer.refused, answer.text
    assert "CSAT = 1" in answer.text


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        (
            "whats the median wait in queue for each queue? averages get skewed by a few monsters",
            ("median_queue_wait",),
            ("call__queue",),
        ),
        (
            "Median QA score per form. Averages are getting dragged around by the zeros.",
            ("median_qa_score",),
            ("evaluation__form_title",),
        ),
        (
            "Which agents got an automatic fail in the past 2 weeks?",
            ("automatic_fails",),
            ("agent__agent_name",),
        ),
        ("how many evaluations got an automatic fail in march", ("automatic_fails",), ()),
    ],
)
def test_why_a_median_is_asked_and_who_got_an_automatic_fail(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        # a question before the request that the request asks in so many words
        (
            "do our spanish callers rate us lower than english ones? avg survey score by language pls",
            ("average_csat",),
            ("call__language",),
        ),
        (
            "where do the callbacks pile up? callback rate per product",
            ("callback_rate",),
            ("call__summary_product",),
        ),
    ],
)
def test_a_leading_question_the_request_asks_again_is_dropped(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)


@pytest.mark.parametrize(
    "question",
    [
        "did billing get worse in march? AHT by team",  # a period and a value of its own
        "which agents are slow? AHT by team",  # agents, not teams
        "is AHT worse on Billing East? AHT by queue",  # a value the request does not split by
    ],
)
def test_a_leading_question_that_asks_something_else_is_kept(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_part_of_each_call_is_never_read_as_a_period(reader: QuestionReader) -> None:
    last = _read(reader, "Per team, what's the agents' average sentiment in the last quarter of their calls?")
    assert (last.metrics, last.group_by, last.period) == (
        ("average_agent_sentiment_q4",),
        ("call__team",),
        None,
    )
    query = _read(
        reader,
        "CX question: by queue, how much does customer sentiment move from the first quarter of the call to the last, on avg?",
    )
    assert (query.metrics, query.group_by) == (("average_customer_sentiment_change",), ("call__queue",))


def test_calls_over_a_period_are_counted_not_listed(answerer: Any) -> None:
    answer = answerer.answer("calls over the past quarter")
    assert not answer.refused and answer.columns == ("calls",), answer.text


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "limit"),
    [
        # shorthand typed on a phone
        ("calls yday?", ("calls",), (), None),
        ("calls by lang, mar", ("calls",), ("call__language",), None),
        ("avg q wait by queue", ("average_queue_wait",), ("call__queue",), None),
        ("top 5 agents w/ longest aht", ("average_handle_time",), ("call__agent_name",), 5),
        ("the 2 queues with longest avg wait?", ("average_queue_wait",), ("call__queue",), 2),
        ("avg CSAT per product (1-5 survey)", ("average_csat",), ("call__summary_product",), None),
        ("call volume by weekday over the quarter (Mon..Sun)", ("calls",), ("call__day_of_week",), None),
    ],
)
def test_shorthand(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    limit: int | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.limit) == (metrics, group_by, limit)


def test_shorthand_periods(reader: QuestionReader) -> None:
    query = _read(reader, "daily calls last 7d")
    assert query.grain == "day" and query.period is not None
    assert (query.period.start, query.period.end) == (dt.date(2026, 3, 25), dt.date(2026, 4, 1))
    hashed = _read(reader, "# es-US calls w/ negative cust sentiment, q1")
    assert hashed.filters == (("call__language", "es-US"),)
    assert hashed.conditions == (("call__customer_sentiment", "<", 0.0),)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "conditions_on_groups"),
    [
        (
            "Calibration check: average QA score each evaluator gives, automation included",
            ("average_qa_score",),
            ("evaluation__evaluator",),
            0,
        ),
        (
            "How many agents are running an AHT above 10 minutes this quarter?",
            ("average_handle_time",),
            ("call__agent_name",),
            1,
        ),
        ("Top 3 reasons ppl called in March (by summary topic)?", ("calls",), ("call__summary_topic",), 0),
        ("longest hold on any single call yesterday?", ("max_hold_time",), (), 0),
    ],
)
def test_inclusions_said_after_running_an_average_and_people(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    conditions_on_groups: int,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, len(query.having)) == (metrics, group_by, conditions_on_groups)


def test_a_value_said_too_is_not_an_inclusion(reader: QuestionReader) -> None:
    _refused(reader, "average QA score by evaluator, billing too")  # also billing, or billing as well?


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        (
            "average QA score by evaluation source (manual / automated) and form",
            ("average_qa_score",),
            ("evaluation__evaluation_source", "evaluation__form_title"),
        ),
        (
            "Please give me AHT (seconds) by team and direction for Q1 — one row per team/direction pair.",
            ("average_handle_time",),
            ("call__team", "call__direction"),
        ),
        (
            "Staffing curve: number of calls in each hour of the day (UTC) across March.",
            ("calls",),
            ("call__hour_of_day",),
        ),
    ],
)
def test_every_value_of_a_grouping_pairs_and_utc_said_aloud(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by)


def test_some_values_after_a_grouping_are_no_restatement(reader: QuestionReader) -> None:
    _refused(reader, "AHT by team (Billing East, Tech Tier 1)")  # only those two teams, or examples?


def test_a_misspelling_is_corrected_in_the_question_as_asked(answerer: Any) -> None:
    # the heading's colon survives the correction, so "For calibration:" is still dropped as a heading
    answer = answerer.answer("For calibration: the median QA score each evalautor gives.")
    assert not answer.refused, answer.text
    assert "read as “For calibration: the median QA score each evaluator gives.”" in answer.text


@pytest.mark.parametrize(
    ("question", "metrics", "grain"),
    [
        (
            "QA audit — how many evaluations did the human evaluators (not the automation) submit in Q1?",
            ("evaluations",),
            None,
        ),
        (
            "Month by month, what's the average score the human evaluators gave?",
            ("average_qa_score",),
            "month",
        ),
    ],
)
def test_what_the_human_evaluators_submitted_or_gave_is_the_manual_evaluations(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], grain: str | None
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.filters, query.grain) == (
        metrics,
        (("evaluation__evaluation_source", "MANUAL"),),
        grain,
    )


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        (
            "customer sentiment in the last quarter of the call, per team",
            "average_customer_sentiment_q4",
            ("call__team",),
        ),
        (
            "how do callers feel at the end of their calls? by queue",
            "average_customer_sentiment_q4",
            ("call__queue",),
        ),
        (
            "avg customer sentiment at the end of the call (how they felt at the end)",
            "average_customer_sentiment_q4",
            (),
        ),
        (
            "the agents' own sentiment in the final quarter of their calls by team",
            "average_agent_sentiment_q4",
            ("call__team",),
        ),
        (
            "average customer sentiment in the first quarter of calls, by queue",
            "average_customer_sentiment_q1",
            ("call__queue",),
        ),
        ("agent sentiment at the start of the call in March", "average_agent_sentiment_q1", ()),
        (
            "how much does the agent's sentiment change from the start to the end of a call, per team",
            "average_agent_sentiment_change",
            ("call__team",),
        ),
        (
            "customer sentiment change during the call (last quarter minus first) by team",
            "average_customer_sentiment_change",
            ("call__team",),
        ),
    ],
)
def test_sentiment_in_one_quarter_of_the_call(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    """A quarter of a call is part of every call, never a period; the mart keeps each side's score per quarter."""
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == ((metric,), group_by)
    assert query.period is None or "March" in question


def test_the_last_quarter_alone_is_still_a_period(reader: QuestionReader) -> None:
    query = _read(reader, "customer sentiment last quarter by team")
    assert query.metrics == ("average_customer_sentiment",)
    assert query.period is not None and query.period.start == dt.date(2025, 10, 1)
    # a quarter of a call with a question no metric answers stays refused
    _refused(reader, "how many customers were happier in the last quarter of the call than the first")


@pytest.mark.parametrize(
    ("question", "numerator", "base"),
    [
        ("Of the calls flagged escalation-request, what % ended up resolved?", "resolution_rate", None),
        ("among the calls tagged cancellation-intent, what share needed a callback?", "callback_rate", None),
        (
            "Of the calls through the Billing queue, what share were flagged cancellation-intent?",
            "categorised_calls",
            ("call__queue", "Billing"),
        ),
        (
            "what % of calls handled by the Tech Tier 1 team were inbound?",
            "calls",
            ("call__team", "Tech Tier 1"),
        ),
        ("what % of calls in the Billing queue waited over 2 minutes?", "calls", ("call__queue", "Billing")),
    ],
)
def test_the_base_of_a_share_said_first_or_after_the_calls(
    reader: QuestionReader, question: str, numerator: str, base: tuple[str, str] | None
) -> None:
    """ "Of the X calls, what % …" and "% of calls through the X queue": X narrows both counts of the share (or
    filters the rate the share names)."""
    reading = reader.read(question, TODAY)
    if base is None:
        query = _query(reading)
        assert query.metrics == (numerator,)
        assert [name for name, _ in query.filters] == ["calls_in:category"]
    else:
        assert isinstance(reading.query, ShareQuery), reading
        assert reading.query.numerator.metrics == (numerator,)
        assert reading.query.within == f"{base[0].split('__')[1]} = {base[1]}"
        assert base in reading.query.denominator.filters


def test_a_grouping_after_the_calls_is_no_base(reader: QuestionReader) -> None:
    reading = reader.read("share of calls in the cancellation-intent category by team this quarter", TODAY)
    assert isinstance(reading.query, ShareQuery), reading
    assert reading.query.numerator.group_by == ("call_category__team",)
    assert reading.query.within == ""


_ONE_CALL = "03c83fa4-f94b-4e48-a919-33cef1cda911"


@pytest.mark.parametrize(
    "question",
    [
        f"QA score(s) for call {_ONE_CALL} and who scored it",
        f"What QA score did call {_ONE_CALL} get, and who evaluated it?",
        f"What QA scores did call {_ONE_CALL.upper()} get, and from which evaluators?",
        f"was call {_ONE_CALL} evaluated?",
    ],
)
def test_one_calls_qa_scores_are_its_evaluations_each_with_its_evaluator(
    reader: QuestionReader, question: str
) -> None:
    """A call evaluated twice has two scores from two evaluators: one row each, never their average."""
    from lambdas.shared.answering.evaluation_lists import EvaluationListReader, looks_like_an_evaluation_list

    assert looks_like_an_evaluation_list(question)
    reading = EvaluationListReader(reader).read(question, TODAY)
    assert reading.query is not None, reading
    assert reading.query.filters == (("call_id", _ONE_CALL),) and reading.query.limit is None
    assert {"evaluator", "score_percent"} <= set(reading.query.columns)
    assert f"e.call_id = '{_ONE_CALL}'" in reading.query.sql("post_call_analytics", 100)


def test_one_calls_own_columns_or_an_aggregate_are_no_evaluation_list(reader: QuestionReader) -> None:
    from lambdas.shared.answering.evaluation_lists import EvaluationListReader, looks_like_an_evaluation_list

    assert not looks_like_an_evaluation_list(f"who handled call {_ONE_CALL} and was it resolved")
    assert not looks_like_an_evaluation_list(f"how many times was call {_ONE_CALL} evaluated")
    assert not looks_like_an_evaluation_list(f"What CSAT score did the customer give on call {_ONE_CALL}?")
    assert not looks_like_an_evaluation_list(f"what score did the customer give call {_ONE_CALL}")
    two = EvaluationListReader(reader).read(
        f"QA scores of call {_ONE_CALL} and call 11111111-2222-3333-4444-555555555555", TODAY
    )
    assert two.query is None and "more than one call" in two.reason
    # what an evaluation list cannot show is refused, never answered with the call's average score
    assert (
        EvaluationListReader(reader).read(f"handle time and QA score for call {_ONE_CALL}", TODAY).query
        is None
    )


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("avg silence per call in seconds, not %", "average_non_talk_time", ()),
        (
            "Average silence per call in seconds (not the %), by team.",
            "average_non_talk_time",
            ("call__team",),
        ),
        ("average silence by team", "average_non_talk_time_percent", ("call__team",)),
        ("total dead air in hours by month", "total_non_talk_time_hours", ()),
        (
            "how many hours in total where nobody was talking, by queue",
            "total_non_talk_time_hours",
            ("call__queue",),
        ),
        (
            "How many hours in total did people spend talking over each other on March calls?",
            "total_interruption_time_hours",
            (),
        ),
        (
            "by team, avg time per call spent talking over each other (seconds) — the duration, not how many "
            "interruptions",
            "average_interruption_time",
            ("call__team",),
        ),
        (
            "average handle time by team in minutes, not the total",
            "average_handle_time",
            ("call__team",),
        ),
        ("total handle time in hours by team, not the average", "total_handle_time_hours", ("call__team",)),
    ],
)
def test_silence_and_talking_over_each_other_in_time_and_a_unit_ruled_out(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,)
    assert query.group_by == group_by or query.grain == "month"


@pytest.mark.parametrize(
    "question",
    [
        "average non-talk time by team in seconds, not seconds",
        "average interruptions per call by team, not how many interruptions",
        "total handle time by team, not the total",
        "callback rate by team, not a rate",
    ],
)
def test_a_unit_ruled_out_that_the_measure_is_stays_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("Re-org prep: calls by team for Q1", "calls", ("call__team",)),
        ("Ops ask #3: AHT by queue for March", "average_handle_time", ("call__queue",)),
        ("intern again: median handle time by team?", "median_handle_time", ("call__team",)),
        ("hey, intern here :) calls by queue for March please", "calls", ("call__queue",)),
        ("average QA score by team - shortlisting peer mentors", "average_qa_score", ("evaluation__team",)),
        ("calls by queue last month (thinking of merging two of them)", "calls", ("call__queue",)),
        ("avg CSAT by team (baseline for my research deck)", "average_csat", ("call__team",)),
        ("AHT by team? minutes ok", "average_handle_time", ("call__team",)),
        ("hold time by queue, seconds are fine", "average_hold_time", ("call__queue",)),
    ],
)
def test_who_asks_and_what_for_said_with_new_words(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    """Roles ("intern here"), activities said as gerunds ("shortlisting …") and what the answer goes into
    ("re-org prep", "research deck") around a request that reads whole: dropped, as they name nothing."""
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == ((metric,), group_by)


@pytest.mark.parametrize(
    "question",
    [
        # a gerund that narrows the rows, or a heading naming something no reading has, is no purpose
        "calls by team - excluding transfers",
        "AHT by queue (pending callbacks only)",
        "Enterprise segment: AHT by team",
        "premium customers: calls by queue",
        "calls by team - outsourcing vendors",
    ],
)
def test_a_heading_or_tail_that_may_narrow_is_never_dropped(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("SL by queue for March", "service_level", ("call__queue",)),
        ("service level by team last month (answered within 30 seconds)", "service_level", ("call__team",)),
        (
            "which team has the most negative average customer sentiment?",
            "average_customer_sentiment",
            ("call__team",),
        ),
        (
            "which queue has the most positive avg agent sentiment",
            "average_agent_sentiment",
            ("call__queue",),
        ),
        ("which hour do callers wait longest in the queue?", "average_queue_wait", ("call__hour_of_day",)),
        ("longest hold on a Tech Tier 1 call last month", "max_hold_time", ()),
        ("hours of wrap up by queue", "total_after_call_work_hours", ("call__queue",)),
        ("auto-fail count by evaluator", "automatic_fails", ("evaluation__evaluator",)),
    ],
)
def test_service_level_and_superlatives_said_as_analysts_do(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == ((metric,), group_by)
    if "most negative" in question:
        assert query.limit == 1 and query.order_by == metric
    if "most positive" in question or "longest in" in question:
        assert query.limit == 1 and query.order_by == f"-{metric}"


def test_a_service_level_at_another_target_time_is_the_share_within_it(reader: QuestionReader) -> None:
    """The service level metric is the 30-second one; another time said is the share answered within it, never
    the 30-second figure filtered by a wait."""
    reading = reader.read("SL by team (answered within 20 sec)", TODAY)
    assert isinstance(reading.query, ShareQuery), reading
    assert "INBOUND" in reading.query.within


@pytest.mark.parametrize(
    ("question", "metric", "group_by", "source", "order"),
    [
        (
            "QA score in March: human evaluators vs automation",
            "average_qa_score",
            ("evaluation__evaluation_source",),
            None,
            None,
        ),
        (
            "automated vs manual evals: auto fail rate for Q1",
            "automatic_fail_rate",
            ("evaluation__evaluation_source",),
            None,
            None,
        ),
        (
            "which human evaluator scores the harshest?",
            "average_qa_score",
            ("evaluation__evaluator",),
            "MANUAL",
            "asc",
        ),
        (
            "Which of the human QA reviewers is the most lenient, i.e. gives the highest average score?",
            "average_qa_score",
            ("evaluation__evaluator",),
            "MANUAL",
            "desc",
        ),
        (
            "which evaluator grades toughest (automation included)",
            "average_qa_score",
            ("evaluation__evaluator",),
            None,
            "asc",
        ),
        (
            "which of the human evaluators submitted the most evaluations last month?",
            "evaluations",
            ("evaluation__evaluator",),
            "MANUAL",
            "desc",
        ),
    ],
)
def test_human_evaluators_against_the_automation_and_who_scores_hardest(
    reader: QuestionReader,
    question: str,
    metric: str,
    group_by: tuple[str, ...],
    source: str | None,
    order: str | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == ((metric,), group_by)
    assert [value for name, value in query.filters if name.endswith("evaluation_source")] == (
        [source] if source else []
    )
    if order is not None:
        assert query.limit == 1 and query.order_by == (metric if order == "asc" else f"-{metric}")


def test_which_of_a_number_of_groups_is_not_read_as_which_group(reader: QuestionReader) -> None:
    _refused(reader, "which of the two teams has the higher AHT, Billing East or Billing West?")


@pytest.mark.parametrize(
    ("question", "label", "op", "number"),
    [
        ("how many calls in Feb had more than 2 minutes of wrap-up?", "after_call_work_minutes", ">", 2.0),
        ("calls with over 3 minutes of silence by team", "non_talk_time_minutes", ">", 3.0),
        ("average handle time of calls with an acw over 90 seconds", "after_call_work_minutes", ">", 1.5),
        ("how many Tech Tier 1 calls had hold over 2 minutes", "hold_time_minutes", ">", 2.0),
    ],
)
def test_wrap_up_and_silence_of_one_call_are_compared(
    reader: QuestionReader, question: str, label: str, op: str, number: float
) -> None:
    query = _read(reader, question)
    assert [(c[0].split("__")[-1], c[1], c[2]) for c in query.conditions] == [(label, op, number)]


@pytest.mark.parametrize(
    "question",
    [
        # a time named just before a bare comparison is what it compares, never the call's duration
        "how many calls with talk time more than 5 minutes",
        "how many calls with customer talk time over 2 minutes",
        "how many calls with a wait of more than 2 minutes",
    ],
)
def test_a_time_no_call_value_holds_is_never_compared_as_the_duration(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    "question",
    [
        # a ranking within each group is not the top pair of groups overall
        "the agent with the most calls each month",
        "top agent per team by QA score",
        "how many calls did each agent take on their busiest day",
        "busiest hour each day last week",
        # a rate per one thing per another
        "average calls per agent per day by team",
        "how many calls per agent per day on average",
        # a difference of two groups is not both groups' figures ("difference" is no misspelt "different")
        "difference in AHT between Billing East and Tech Tier 1",
    ],
)
def test_rankings_within_groups_and_rates_of_rates_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_top_n_over_one_grouping_is_still_read(reader: QuestionReader) -> None:
    query = _read(reader, "top 3 teams by calls each with their AHT")
    assert query.limit == 3 and query.group_by == ("call__team",)


def test_aht_of_calls_meeting_a_condition_is_a_figure_not_a_list() -> None:
    from lambdas.shared.answering.call_lists import looks_like_a_list

    assert not looks_like_a_list("AHT for calls with a CSAT of 1")
    assert looks_like_a_list("calls with a CSAT of 1 last week")


@pytest.mark.parametrize(
    ("question", "flags"),
    [
        (
            "list last week's calls that need a callback with agent and topic",
            (("summary_callback_required", True),),
        ),
        ("show me the unresolved calls from yesterday", (("summary_resolved", False),)),
        (
            "Billing queue calls that weren't resolved in March - call id and agent",
            (("summary_resolved", False),),
        ),
        (
            "list resolved calls that still needed a callback last week",
            (("summary_callback_required", True), ("summary_resolved", True)),
        ),
        (
            "calls from yesterday that need a callback, call id and agent please, I'll pass them to the late shift",
            (("summary_callback_required", True),),
        ),
        (
            "inbound calls from the past 7 days that need a callback. call id, agent. my team has to chase them",
            (("summary_callback_required", True),),
        ),
    ],
)
def test_lists_of_calls_filter_on_what_the_summary_says(
    reader: QuestionReader, question: str, flags: tuple[tuple[str, bool], ...]
) -> None:
    """Yes/no columns of the summary (`meta.list_flags`): filtered on and shown."""
    from lambdas.shared.answering.call_lists import ListReader

    reading = ListReader(reader).read(question, TODAY)
    assert reading.query is not None, reading
    assert sorted((c, w) for c, _, w in reading.query.flags) == sorted(flags)
    sql = reading.query.sql("post_call_analytics", 100)
    for column, wanted in flags:
        assert (f"({column})" if wanted else f"NOT ({column})") in sql and f", {column}" in sql


@pytest.mark.parametrize(
    "question",
    [
        "List the failed calls (call analytics FAILED): call id, call date, agent name.",
        "list the calls whose analytics failed - call id, agent, date",
        "show me last month's calls with no analytics because the transcribe job failed",
    ],
)
def test_lists_of_calls_whose_analytics_failed_filter_on_the_status(
    reader: QuestionReader, question: str
) -> None:
    """A flag that is a condition over a column (`expr`): the condition filters, the column is shown."""
    from lambdas.shared.answering.call_lists import ListReader

    reading = ListReader(reader).read(question, TODAY)
    assert reading.query is not None, reading
    assert [(c, w) for c, _, w in reading.query.flags] == [("call_status = 'FAILED'", True)]
    sql = reading.query.sql("post_call_analytics", 100)
    assert "WHERE (call_status = 'FAILED')" in sql and ", call_status FROM" in sql


def test_a_list_asking_for_both_answers_of_one_flag_is_refused(reader: QuestionReader) -> None:
    from lambdas.shared.answering.call_lists import ListReader

    assert (
        ListReader(reader).read("list calls that were resolved and unresolved yesterday", TODAY).query is None
    )


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        # a question before the request that the request asks again, with a grouping said in a period's words
        (
            "does CSAT change with the day of the week? avg survey score per weekday",
            "average_csat",
            ("call__day_of_week",),
        ),
        # a metric named by a whole wording is never dropped as commentary
        (
            "how often do customers interrupt our agents? avg per call, by team",
            "average_customer_interruptions",
            ("call__team",),
        ),
        # the base of a share said as a heading
        ("Tech Tier 1 calls: what % got resolved?", "resolution_rate", ()),
    ],
)
def test_a_question_then_its_request_and_a_heading_naming_the_base(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == ((metric,), group_by)
    if "Tech Tier 1" in question:
        assert ("call__team", "Tech Tier 1") in query.filters


def test_the_busiest_days_as_many_as_said_ranked_by_calls(reader: QuestionReader) -> None:
    query = _read(reader, "3 busiest days in feb by number of calls?")
    assert (query.metrics, query.grain, query.limit, query.order_by) == (("calls",), "day", 3, "-calls")


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        ("calls between 06:00 and 21:59", 6, 21),
        ("Tech Tier 1 calls per hour of day, 08:00 to 17:59 UTC, March", 8, 17),
    ],
)
def test_a_span_of_the_day_ending_at_59_minutes_is_whole_hours(
    reader: QuestionReader, question: str, first: int, last: int
) -> None:
    query = _read(reader, question)
    bounds = sorted((op, number) for _, op, number in query.conditions)
    assert bounds == [("<", float(last + 1)), (">=", float(first))]


def test_minutes_past_midnight_stay_refused(reader: QuestionReader) -> None:
    _refused(reader, "calls from 22:30 to 05:59 in march")


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        (
            "avg call length per team in march - just the connected call, no wrap-up",
            "average_call_duration",
            ("call__team",),
        ),
        (
            "Total hours spent on calls in February (connected time, hold included)",
            "total_call_duration_hours",
            (),
        ),
        (
            "total hours spent on calls last week (connected time, not handle time)",
            "total_call_duration_hours",
            (),
        ),
        ("median talk time per call for each queue (secs)", "median_talk_time", ("call__queue",)),
    ],
)
def test_a_duration_said_again_and_a_median_per_call(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == ((metric,), group_by)


def test_handle_time_without_wrap_up_is_refused(reader: QuestionReader) -> None:
    """Handle time includes the wrap-up: ruling it out asks for another measure."""
    _refused(reader, "average handle time by team, no wrap-up")


def test_lenient_or_hard_scoring_is_of_those_who_give_scores(reader: QuestionReader) -> None:
    _refused(reader, "which team is the most lenient")
    query = _read(reader, "which human reviewer is the most lenient")
    assert query.group_by == ("evaluation__evaluator",) and query.order_by == "-average_qa_score"


def test_how_customers_feel_at_the_start_of_a_call(reader: QuestionReader) -> None:
    query = _read(reader, "how do callers feel at the beginning of their calls, by team")
    assert (query.metrics, query.group_by) == (("average_customer_sentiment_q1",), ("call__team",))


@pytest.mark.parametrize(
    "question",
    [
        "Coaching Dana Reyes: what's her average QA score month by month?",
        "I'm sitting with Dana Reyes tomorrow. What's her average QA score by month?",
    ],
)
def test_her_or_his_is_the_agent_a_heading_named(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.metrics == ("average_qa_score",) and query.grain == "month"
    assert ("agent__agent_name", "Dana Reyes") in query.filters


def test_a_heading_naming_more_than_the_agent_is_read_whole(reader: QuestionReader) -> None:
    # the clause narrows too ("only inbound"): it is read with the rest, never dropped
    query = _read(reader, "Dana Reyes, only inbound: what's her average handle time?")
    assert {("call__agent_name", "Dana Reyes"), ("call__direction", "INBOUND")} <= set(query.filters)


@pytest.mark.parametrize(
    ("question", "metric", "filters"),
    [
        # one call's value, per group: the maximum, never the group with the highest average
        (
            "For each queue, what's the longest a customer was kept on hold on a single call?",
            "max_hold_time",
            (),
        ),
        (
            "Worst single queue wait each queue had on an inbound call?",
            "max_queue_wait",
            (("call__direction", "INBOUND"),),
        ),
    ],
)
def test_the_longest_single_value_per_group_is_the_maximum(
    reader: QuestionReader, question: str, metric: str, filters: tuple[tuple[str, str], ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.limit, query.filters) == (
        (metric,),
        ("call__queue",),
        None,
        filters,
    )


@pytest.mark.parametrize(
    "question",
    [
        "For each queue, which has the longest average hold time?",
        "Which team has the highest AHT? Show every team.",
    ],
)
def test_every_group_and_the_top_group_at_once_is_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "conditions"),
    [
        # held calls: a hold time above 0 on the call
        (
            "Median hold time in Q1, counting only calls where the customer was actually put on hold",
            ("median_hold_time",),
            (),
            (("call__hold_time_minutes", ">", 0.0),),
        ),
        (
            "how many calls were put on hold last month",
            ("calls",),
            (),
            (("call__hold_time_minutes", ">", 0.0),),
        ),
        # verbs of having, and totals said twice
        ("Which agent has racked up the most auto-fails?", ("automatic_fails",), ("agent__agent_name",), ()),
        (
            "which queue burned the most wrap-up hours in February?",
            ("total_after_call_work_hours",),
            ("call__queue",),
            (),
        ),
        ("Top 5 agents by total handle hours in Q1", ("total_handle_time_hours",), ("call__agent_name",), ()),
        (
            "top 5 agents by total handle time (hours) this quarter",
            ("total_handle_time_hours",),
            ("call__agent_name",),
            (),
        ),
        (
            "Q1 - inbound calls that waited more than 2 minutes, counted by queue",
            ("calls",),
            ("call__queue",),
            None,
        ),
        # the unit of talk speed said in words is no other metric
        (
            "customer talk speed per queue (words per minute)",
            ("average_customer_talk_speed",),
            ("call__queue",),
            (),
        ),
        (
            "How fast do customers talk on each queue (words per minute)?",
            ("average_customer_talk_speed",),
            ("call__queue",),
            (),
        ),
        ("how many QA evaluations are still sitting in draft?", ("draft_evaluations",), (), ()),
    ],
)
def test_held_calls_verbs_of_having_and_units_said_in_words(
    reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    conditions: tuple[tuple[str, str, float], ...] | None,
) -> None:
    query = _read(reader, question)
    assert (query.metrics[: len(metrics)], query.group_by) == (metrics, group_by)
    if conditions is not None:
        assert query.conditions == conditions


def test_days_a_rate_dropped_below_a_level_are_counted(reader: QuestionReader) -> None:
    query = _read(reader, "On how many days in March did service level drop below 35%?")
    assert query.having == (("service_level", "<", 35.0),) and query.count_groups is not None


def test_calls_whose_topic_was_a_value_filter_on_it() -> None:
    reader = QuestionReader(SemanticManifest.load(), {**VALUES, "topic": ["Billing dispute"]})
    query = _read(reader, "Callback rate on calls whose topic was Billing dispute?")
    assert query.filters == (("call__summary_topic", "Billing dispute"),)


def test_words_per_minute_alone_names_no_side(reader: QuestionReader) -> None:
    _refused(reader, "words per minute by team")  # the agents' or the customers'?


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("what % of our calls in Q1 had the customer put on hold at all?", ()),
        ("share of calls put on hold by team", ("call__team",)),
    ],
)
def test_the_share_of_held_calls(reader: QuestionReader, question: str, group_by: tuple[str, ...]) -> None:
    share = reader.read(question, TODAY).query
    assert isinstance(share, ShareQuery), share
    assert share.condition == "hold time > 0 minutes" and share.numerator.group_by == group_by


def test_a_list_column_said_in_seconds_is_the_stored_duration(answerer: Any) -> None:
    answer = answerer.answer("Pull the 2 longest calls: call id, agent, duration seconds")
    assert not answer.refused, answer.text
    assert "duration_seconds" in answer.columns and len(answer.rows) == 2
    answer = answerer.answer(
        "show me every inbound call longer than 1 second: call id, queue, duration in seconds"
    )
    assert not answer.refused, answer.text
    assert "duration_seconds" in answer.columns


@pytest.fixture(scope="module")
def reader_with_shared_value() -> QuestionReader:
    # the category `billing-dispute` and the summary topic `billing dispute` read the same
    return QuestionReader(
        SemanticManifest.load(), {**VALUES, "category": ["billing-dispute"], "topic": ["billing dispute"]}
    )


@pytest.mark.parametrize(
    "question",
    [
        "how many billing dispute calls ended up not resolved?",
        "billing dispute calls by month",
        "average handle time of billing dispute calls",
    ],
)
def test_a_value_of_two_groupings_said_plainly_is_refused(
    reader_with_shared_value: QuestionReader, question: str
) -> None:
    reading = _refused(reader_with_shared_value, question)
    assert "more than one grouping" in reading.reason and "category" in reading.reason


@pytest.mark.parametrize(
    ("question", "dimension"),
    [
        ("how many calls had the billing dispute topic", "topic"),
        ("how many calls had the topic billing dispute", "topic"),
        ("how many calls in the billing dispute category", "category"),
        ("how many calls were flagged billing dispute", "category"),
        ("how many billing-dispute calls since March 15?", "category"),
        ("AHT on billing-dispute calls, by team", "category"),
    ],
)
def test_a_value_of_two_groupings_with_its_kind_said_is_read(
    reader_with_shared_value: QuestionReader, question: str, dimension: str
) -> None:
    ((name, _),) = _read(reader_with_shared_value, question).filters
    assert dimension in name, name


@pytest.mark.parametrize(
    "question",
    [
        # the data has no team "Tech Tier 2" (only "Tech Tier 1"): never read as a slip of it
        "how many Tech Tier 2 calls had hold over 2 minutes",
        # "customer share" is no slip of the team "Customer Care"
        "customer share of talk time per team",
    ],
)
def test_a_value_not_in_the_data_is_never_read_as_a_near_one(question: str) -> None:
    reader = QuestionReader(SemanticManifest.load(), {**VALUES, "team": ["Tech Tier 1", "Customer Care"]})
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "check"),
    [
        (
            "QA: who are my top 3 agents by average QA score in Q1?",
            lambda q: q.metrics == ("average_qa_score",) and q.limit == 3,
        ),
        (
            "Average time inbound callers sat in the queue, per queue, over the past 30 days?",
            lambda q: q.metrics == ("average_queue_wait",) and q.group_by == ("call__queue",),
        ),
        ("how long did customers sit in the queue in March", lambda q: q.metrics == ("average_queue_wait",)),
        (
            "Which evaluation questions are triggering auto-fails, and how many times each?",
            lambda q: q.metrics == ("question_automatic_fails",),
        ),
        (
            "how many answers triggered an automatic fail in each section",
            lambda q: q.metrics == ("question_automatic_fails",) and len(q.group_by) == 1,
        ),
        (
            "for each eval question, how many answers triggered an auto fail? only the ones that did at least once",
            lambda q: q.metrics == ("question_automatic_fails",) and q.nonzero,
        ),
        (
            "top 3 agents by automatic fails this quarter, leave out the zeros",
            lambda q: q.limit == 3 and q.nonzero,
        ),
        (
            "do automated evaluations score differently from manual ones? avg score for each",
            lambda q: q.metrics == ("average_qa_score",) and q.group_by == ("evaluation__evaluation_source",),
        ),
        (
            "March QA scores - do our human reviewers score differently from the automation? avg for each",
            lambda q: q.group_by == ("evaluation__evaluation_source",) and q.period is not None,
        ),
        (
            "Do our human QA reviewers score harder than the automation? Average score for each in Q1.",
            lambda q: (
                q.group_by == ("evaluation__evaluation_source",) and q.period.start == dt.date(2026, 1, 1)
            ),
        ),
        (
            "does Billing East resolve more than Tech Tier 1? resolution rate for each",
            lambda q: q.metrics == ("resolution_rate",) and q.group_by == ("call__team",),
        ),
    ],
)
def test_headings_sides_and_counts_that_found_any(reader: QuestionReader, question: str, check: Any) -> None:
    assert check(_read(reader, question)), _read(reader, question)


@pytest.mark.parametrize(
    "question",
    [
        # a heading the request does not say again may narrow it ("QA" calls: the evaluated ones?)
        "QA: calls by team",
        "Quality: which agents have the lowest QA score?",
        # a 0 is no "none" for an average, nor for one figure
        "average handle time per agent, skip the zeros",
        "how many calls, leave out the zeros",
        # the sides compared must be a grouping's values
        "do spanish callers rate us lower than english ones? avg survey score for each",
        # "spend" alone is the call's time, not the queue's
        "how long do callers spend on the phone",
    ],
)
def test_headings_sides_and_zeros_that_say_more_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "check"),
    [
        ("Mktg: average CSAT per product (post-call survey)", lambda q: q.metrics == ("average_csat",)),
        (
            "QA workload: how many evaluations get submitted on each day of the week?",
            lambda q: q.metrics == ("evaluations",),
        ),
        (
            "What % of Q1 calls needed a callback, going by the summaries?",
            lambda q: q.metrics == ("callback_rate",) and q.period.start == dt.date(2026, 1, 1),
        ),
        (
            "What percentage of last month's calls were resolved?",
            lambda q: q.metrics == ("resolution_rate",) and q.period.start == dt.date(2026, 2, 1),
        ),
        ("Compliance: number of auto-failed evals in Q1?", lambda q: q.metrics == ("automatic_fails",)),
        (
            "total action items agents committed to in March, by queue",
            lambda q: q.metrics == ("insights",) and [v for _, v in q.filters] == ["ACTION_ITEM"],
        ),
        (
            "AHT per team but outbound calls only",
            lambda q: q.group_by == ("call__team",) and [v for _, v in q.filters] == ["OUTBOUND"],
        ),
        (
            "how many calls did Dana Reyes take yesterday? she's one of my new starters and I want to see her volume",
            lambda q: q.metrics == ("calls",) and [v for _, v in q.filters] == ["Dana Reyes"],
        ),
        (
            "AHT by queue for the quarter — in minutes please, it's going on a QBR slide",
            lambda q: q.metrics == ("average_handle_time",) and q.scale == ("minutes", 60.0),
        ),
    ],
)
def test_asides_headings_and_periods_inside_a_share(
    reader: QuestionReader, question: str, check: Any
) -> None:
    assert check(_read(reader, question)), _read(reader, question)


@pytest.mark.parametrize(
    "question",
    [
        # "but" as "except": never read as the team itself
        "AHT for all teams but Billing East",
        # a sentence about the agent that names a team the request does not
        "how many calls did Dana Reyes take yesterday? she's new on Billing East",
        # the unit asked for in an aside is never dropped with the aside's purpose
        "AHT by queue — in minutes please, for the QBR and the board offsite and the vendors",
    ],
)
def test_asides_that_narrow_or_change_the_answer_are_kept(reader: QuestionReader, question: str) -> None:
    reading = reader.read(question, TODAY)
    if reading.query is not None:  # read: then in the unit asked, never in seconds
        assert _query(reading).scale == ("minutes", 60.0), reading
    else:
        _refused(reader, question)


def test_a_category_written_as_stored_is_never_read_as_a_measure() -> None:
    reader = QuestionReader(
        SemanticManifest.load(), {**VALUES, "category": ["agent-interruptions", "cancellation-intent"]}
    )
    query = _read(reader, "Which agent had the most calls flagged agent-interruptions last month?")
    assert query.metrics == ("categorised_calls",) and [v for _, v in query.filters] == [
        "agent-interruptions"
    ]
    assert query.group_by == ("call__agent_name",) and query.limit == 1
    # the measure, said in words, is still the measure
    assert _read(reader, "average agent interruptions by team").metrics == ("average_agent_interruptions",)


def test_a_list_asked_with_each_rows_values_and_one_order_said_twice(answerer: Any) -> None:
    each = answerer.answer("Show me Dana Reyes's calls with the handle time of each — earliest first")
    assert not each.refused, each.text
    assert [row[0] for row in each.rows] == ["c1", "c2"]  # oldest first
    assert each.columns[-1] == "handle_time_seconds"
    twice = answerer.answer("Dana Reyes's last 1 call, most recent first")
    assert not twice.refused, twice.text
    assert [row[0] for row in twice.rows] == ["c2"]
    # two different orders are still refused
    assert answerer.answer("Dana Reyes's calls, most recent first, oldest first").refused


@pytest.mark.parametrize(
    ("question", "check"),
    [
        (
            "which agents got 2 or more auto-fails this quarter, and how many each?",
            lambda q: q.metrics == ("automatic_fails",) and q.having and q.having[0][1:] == (">=", 2.0),
        ),
        (
            "Which QA questions get marked N/A, and how many times each?",
            lambda q: q.metrics == ("not_applicable_answers",) and q.nonzero,
        ),
        (
            "Total number of times agents interrupted customers in Feb, per team (the total, not per call)",
            lambda q: q.metrics == ("total_agent_interruptions",) and q.group_by == ("call__team",),
        ),
        (
            "how many times did agents interrupt customers in March",
            lambda q: q.metrics == ("total_agent_interruptions",),
        ),
        (
            "how many times per call do agents interrupt customers, by team",
            lambda q: q.metrics == ("average_agent_interruptions",),
        ),
        (
            "I just took over Billing East. For each of my agents, how many times per call on average do they "
            "interrupt the customer?",
            lambda q: q.group_by == ("call__agent_name",) and [v for _, v in q.filters] == ["Billing East"],
        ),
        (
            'Fwd from the vendor account lead: "Can we get Billing East vs Tech Tier 1 for Q1 — AHT and CSAT side '
            'by side?" Thanks!',
            lambda q: q.metrics == ("average_handle_time", "average_csat") and q.group_by == ("call__team",),
        ),
        (
            "QBR: CSAT in January vs March, one row per month",
            lambda q: q.metrics == ("average_csat",) and q.versus is not None,
        ),
        (
            "How many hours in total did customers spend sitting in the queue last month?",
            lambda q: q.metrics == ("total_queue_wait_hours",),
        ),
        ("total hours of dead air per queue in Q1", lambda q: q.metrics == ("total_non_talk_time_hours",)),
    ],
)
def test_bounds_totals_forwarded_requests_and_compared_months(
    reader: QuestionReader, question: str, check: Any
) -> None:
    assert check(_read(reader, question)), _read(reader, question)


@pytest.mark.parametrize(
    ("question", "low", "high"),
    [
        ("Board slide: in Feb, what % of customers who answered the survey gave us a 4 or 5?", 4.0, 5.0),
        ("of the Billing queue calls that got a survey answer in Q1, what share scored 4 or 5?", 4.0, 5.0),
        ("of the customers who answered the survey, what % gave us a 1?", 1.0, 1.0),
    ],
)
def test_a_share_of_the_survey_answers_said_of_the_customers(
    reader: QuestionReader, question: str, low: float, high: float
) -> None:
    query = reader.read(question, TODAY).query
    assert isinstance(query, ShareQuery), query
    assert sorted(number for _, _, number in query.numerator.conditions) == [low, high], query


@pytest.mark.parametrize(
    "question",
    [
        # whose figures they are may be the heading's
        'The Billing East lead asks: "what is our AHT?"',
        # a quote with more than a courtesy after it
        'Fwd from the vendor lead: "AHT by team?" and also by queue for Tech Tier 1',
        # a count of agents' interruptions per call is not a total
        "how many times did agents interrupt customers per call, total",
    ],
)
def test_forwarded_requests_and_totals_that_say_more_are_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "low", "high", "grouped"),
    [
        ("Top-2-box CSAT by queue for Q1", 4.0, 5.0, ("call__queue",)),
        ("what's our top two box satisfaction score, per team?", 4.0, 5.0, ("call__team",)),
        ("top box rate last month", 5.0, 5.0, ()),
        ("bottom-2-box survey share by team", 1.0, 2.0, ("call__team",)),
        # the definition said again is the same share
        (
            "top-2-box CSAT by team (i.e. the share of survey answers that were a 4 or 5)",
            4.0,
            5.0,
            ("call__team",),
        ),
        ("by team, what share of the survey answers were 1s?", 1.0, 1.0, ("call__team",)),
    ],
)
def test_top_and_bottom_box_are_shares_of_the_survey_answers(
    reader: QuestionReader, question: str, low: float, high: float, grouped: tuple[str, ...]
) -> None:
    query = reader.read(question, TODAY).query
    assert isinstance(query, ShareQuery), (question, query)
    assert sorted(number for _, _, number in query.numerator.conditions) == [low, high], query
    assert query.numerator.group_by == grouped, query


@pytest.mark.parametrize(
    ("question", "check"),
    [
        ("how many top-box surveys did we get in February?", lambda q: q.metrics == ("surveyed_calls",)),
        (
            "minimum handle time per queue",
            lambda q: q.metrics == ("min_handle_time",) and q.group_by == ("call__queue",),
        ),
        ("the shortest call duration last week", lambda q: q.metrics == ("min_call_duration",)),
        ("min call duration by direction", lambda q: q.metrics == ("min_call_duration",)),
        # "min" after "in" or a number is minutes
        ("average handle time in min, by team", lambda q: q.metrics == ("average_handle_time_minutes",)),
        ("avg hold tiem per agnet on the Billing queue", lambda q: q.metrics == ("average_hold_time",)),
        (
            "how many distinct evaluators scored each Tech Tier 1 agent this quarter? (contact lens counts as one)",
            lambda q: q.metrics == ("distinct_evaluators",) and q.group_by == ("agent__agent_name",),
        ),
        (
            "number of different reviewers per form",
            lambda q: q.metrics == ("distinct_evaluators",) and q.group_by == ("evaluation__form_title",),
        ),
        (
            "which team was evaluated by the fewest different evaluators in February",
            lambda q: q.metrics == ("distinct_evaluators",) and q.order_by == "distinct_evaluators",
        ),
        # a count per evaluator is still the evaluations
        ("evaluations submitted by each evaluator", lambda q: q.metrics == ("evaluations",)),
        (
            "total connected call time in hours per queue, last month",
            lambda q: q.metrics == ("total_call_duration_hours",) and q.group_by == ("call__queue",),
        ),
        ("hours of connected time by team in March", lambda q: q.metrics == ("total_call_duration_hours",)),
        ("mean connected duration per agent", lambda q: q.metrics == ("average_call_duration",)),
        (
            "median connected call time by direction (just the calls themselves, no ACW)",
            lambda q: q.metrics == ("median_call_duration",),
        ),
        (
            "calls with more than 20 minutes of connected time last week",
            lambda q: [c[0] for c in q.conditions] == ["call__duration_minutes"],
        ),
        (
            "how many distinct agents did each QA reviewer grade in Q1?",
            lambda q: q.metrics == ("evaluated_agents",) and q.group_by == ("evaluation__evaluator",),
        ),
        ("number of different agents evaluated on each form", lambda q: q.metrics == ("evaluated_agents",)),
        ("the longest single hold last week", lambda q: q.metrics == ("max_hold_time",)),
        # each group's longest is one call's value per group, never the groups ranked by an average
        (
            "longest hold per agent on Billing East (seconds)",
            lambda q: (
                q.metrics == ("max_hold_time",) and q.group_by == ("call__agent_name",) and q.limit is None
            ),
        ),
        ("the shortest call for each queue", lambda q: q.metrics == ("min_call_duration",)),
        (
            "the #1 issue callers mention on Billing queue calls this month",
            lambda q: q.limit == 1 and q.group_by == ("call_insight__issue",),
        ),
        (
            "on how many days in Feb did Billing East take at least one call",
            lambda q: q.metrics == ("days_with_calls",) and [v for _, v in q.filters] == ["Billing East"],
        ),
    ],
)
def test_box_counts_minimums_evaluators_connected_time_and_typed_slips(
    reader: QuestionReader, question: str, check: Any
) -> None:
    assert check(_read(reader, question)), _read(reader, question)


@pytest.mark.parametrize(
    "question",
    [
        # two statistics at once, one of them not defined for the value
        "the shortest and the longest talk time",
        # statistics of daily counts: no metric defines them
        "In March, what were the min, max and average daily call volumes?",
        # a box of a scale that is not the survey's
        "top 2 box QA score by team",
        # a minimum of a value no minimum is defined for
        "minimum queue wait by agent",
        # the definition said again differently is not the same share
        "top 2 box CSAT by team (share of survey answers that were a 5)",
        # evaluators with a condition no metric defines
        "how many evaluators gave an automatic fail",
        # evaluators counted by the scores they gave: no metric defines it
        "how many evaluators scored below 50",
        # agents counted by their scores
        "how many agents scored above 90",
        # each agent's longest talk time: no maximum of it is defined
        "longest talk time per agent",
        # the longest holds, several: a list of calls, not one value
        "the 5 longest holds in March by team",
    ],
)
def test_minimums_boxes_and_evaluator_counts_that_do_not_fit_are_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


# ------------------------------------------------------------------ distributions and standard deviations


@pytest.mark.parametrize(
    ("question", "metric", "group_by", "filters"),
    [
        # a survey score said after a grouping word is the grouping, never the average CSAT
        ("calls by csat", "calls", ("call__survey_score",), ()),
        ("number of calls at each CSAT score in March", "calls", ("call__survey_score",), ()),
        (
            "For calls with a survey answer, what's the average customer sentiment at each CSAT score?",
            "average_customer_sentiment",
            ("call__survey_score",),
            (),
        ),
        (
            "Distribution of survey answers: how many 1s, 2s, 3s, 4s and 5s?",
            "surveyed_calls",
            ("call__survey_score",),
            (),
        ),
        (
            "the distribution of CSAT scores on Billing queue calls",
            "surveyed_calls",
            ("call__survey_score",),
            ("Billing",),
        ),
        ("average handle time per survey score", "average_handle_time", ("call__survey_score",), ()),
        # calls counted per number of categories matched
        ("how many calls matched 0, 1, 2, 3… categories?", "calls", ("call__categories_matched",), ()),
        ("calls by number of categories", "calls", ("call__categories_matched",), ()),
        ("distribution of calls by hour of day", "calls", ("call__hour_of_day",), ()),
        # the spread of QA scores and handle times: the sample standard deviation
        (
            "Evaluator consistency: standard deviation of the QA scores each human evaluator gives?",
            "stddev_qa_score",
            ("evaluation__evaluator",),
            ("MANUAL",),
        ),
        (
            "how consistent is each evaluator? std dev of the scores they give",
            "stddev_qa_score",
            ("evaluation__evaluator",),
            (),
        ),
        ("standard deviation of handle time by queue", "stddev_handle_time", ("call__queue",), ()),
        ("stdev of AHT for Tech Tier 1 last month", "stddev_handle_time", (), ("Tech Tier 1",)),
        # a human evaluator said between "each" and the evaluator
        ("average QA score per human evaluator", "average_qa_score", ("evaluation__evaluator",), ("MANUAL",)),
        # calls whose analytics failed, said the ways analysts say it
        ("IT here - how many calls failed analytics processing?", "failed_calls", (), ()),
        (
            "sorry first week here, maybe a dumb q. how many calls didnt get analysed because the transcribe job failed?",
            "failed_calls",
            (),
            (),
        ),
        ("how many calls came back with failed analytics last month", "failed_calls", (), ()),
        ("calls whose analytics failed by team", "failed_calls", ("call__team",), ()),
    ],
)
def test_distributions_by_a_value_and_standard_deviations(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...], filters: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,), query
    assert query.group_by == group_by, query
    assert tuple(value for _, value in query.filters) == filters, query


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        # statistics listed for one value: the question read once per statistic, side by side
        (
            "Shortest and longest call duration we have on record (seconds)?",
            ("min_call_duration", "max_call_duration"),
            (),
        ),
        ("the shortest and the longest handle time", ("min_handle_time", "max_handle_time"), ()),
        (
            "min, max and average handle time by team",
            ("min_handle_time", "max_handle_time", "average_handle_time"),
            ("call__team",),
        ),
        ("median and average AHT per queue", ("median_handle_time", "average_handle_time"), ("call__queue",)),
        ("average and median CSAT in March", ("average_csat", "median_csat"), ()),
    ],
)
def test_statistics_listed_for_one_value_are_read_side_by_side(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics, query
    assert query.group_by == group_by, query


@pytest.mark.parametrize(
    "question",
    [
        # no standard deviation of CSAT is defined
        "standard deviation of csat by team",
        # a helper of the standard deviation is never read from a question
        "sum of squared qa scores",
        # buckets of a value are not a grouping here
        "histogram of handle time in 5-minute buckets",
        # a distribution whose grouping is not said
        "distribution of handle time",
        # the survey score compared, not grouped
        "how many calls by team with a csat of 5 or a 1",
    ],
)
def test_distributions_and_spreads_that_do_not_fit_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_a_standard_deviation_is_the_sample_one_and_a_score_grouping_leaves_out_the_unanswered(
    answerer: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import duckdb

    warehouse, _ = build_marts(tmp_path_factory.mktemp("stddev-marts"))
    with duckdb.connect(str(warehouse), read_only=True) as db:
        expected = dict(
            db.execute(
                "select evaluator, stddev_samp(score_percent) from post_call_analytics.scorecards "
                "where evaluation_status = 'SUBMITTED' group by evaluator having count(score_percent) > 1"
            ).fetchall()
        )
        surveyed = dict(
            db.execute(
                "select customer_satisfaction, count(*) from post_call_analytics.calls "
                "where customer_satisfaction is not null group by 1"
            ).fetchall()
        )
    assert expected, "the test marts need an evaluator with two scored evaluations"
    answer = answerer.answer("standard deviation of QA scores per evaluator")
    assert not answer.refused, answer.text
    got = {row[0]: row[1] for row in answer.rows}
    assert got.keys() == expected.keys()
    for evaluator, value in expected.items():
        assert got[evaluator] == pytest.approx(value, rel=1e-9)
    scores = answerer.answer("calls by survey score")
    assert not scores.refused, scores.text
    assert {row[0]: row[1] for row in scores.rows} == surveyed
    assert "left out" in scores.text


# ------------------------------------------------------------------------------------------- the roster


@pytest.mark.parametrize(
    ("question", "filters"),
    [
        ("who is on the Billing East team? just names", (("team", "Billing East"),)),
        ("who's on the Tech Tier 1 team? names and agent ids pls", (("team", "Tech Tier 1"),)),
        (
            "list the agents on Billing East with their agent id and how many calls they've handled",
            (("team", "Billing East"),),
        ),
        (
            "Onboarding to Tech Tier 1 — list the agents on the team with the date of their first call and their "
            "total calls",
            (("team", "Tech Tier 1"),),
        ),
        ("what day did each Billing East agent take their first call?", (("team", "Billing East"),)),
        (
            "Give me the Tech Tier 1 agents with their first call and last call timestamps",
            (("team", "Tech Tier 1"),),
        ),
        ("first and last call dates for Dana Reyes", (("agent", "Dana Reyes"),)),
    ],
)
def test_the_roster_lists_agents_of_a_team_or_one_agent(
    reader: QuestionReader, question: str, filters: tuple[tuple[str, str], ...]
) -> None:
    from lambdas.shared.answering.agent_lists import AgentListReader, looks_like_an_agent_list

    assert looks_like_an_agent_list(question)
    roster = AgentListReader(reader).read(question)
    assert roster is not None, question
    assert tuple((label, value) for label, _, value in roster.filters) == filters
    sql = roster.sql("post_call_analytics", 100)
    assert sql.startswith("SELECT agent_name, agent_id, team, first_call_at, last_call_at, call_count FROM")


@pytest.mark.parametrize(
    "question",
    [
        # a rank, a count, a measure or another kind of value: no roster (the other readers take them)
        "list the agents on Billing East with the most calls",
        "who is on the Billing East team with the lowest QA score",
        "list sales agents",
        "who is on the Billing queue",
        "list the agents on Billing East and their average handle time",
    ],
)
def test_what_is_more_than_a_roster_is_no_roster(reader: QuestionReader, question: str) -> None:
    from lambdas.shared.answering.agent_lists import AgentListReader

    assert AgentListReader(reader).read(question) is None


def test_the_roster_answers_from_the_agents_mart(answerer: Any) -> None:
    answer = answerer.answer("who is on the Billing East team? names please")
    assert not answer.refused, answer.text
    assert answer.columns[:3] == ("agent_name", "agent_id", "team")
    assert {row[0] for row in answer.rows} == {"Dana Reyes"} and answer.text.startswith("Agents with team")
    # "how many agents": a count, never the roster
    assert answerer.answer("how many agents are on Billing East?").rows == ((1,),)


@pytest.mark.parametrize(
    "question",
    [
        "who is on the Tech Tier 1 team with the lowest QA score",
        "the Billing East team with the highest AHT",
    ],
)
def test_ranking_the_groups_of_a_kind_while_naming_one_of_them_is_refused(
    reader: QuestionReader, question: str
) -> None:
    assert "names one team" in _refused(reader, question).reason


@pytest.mark.parametrize(
    ("question", "check"),
    [
        # two values of one kind pooled: one figure, never split
        (
            "AHT for Billing East and Tech Tier 1 combined",
            lambda q: q.group_by == () and sorted(v for _, v in q.filters) == ["Billing East", "Tech Tier 1"],
        ),
        (
            "calls for the Billing and Technical Support queues together in March",
            lambda q: q.group_by == () and len(q.filters) == 2 and q.period is not None,
        ),
        # compared, they stay one row each
        ("AHT Billing East vs Tech Tier 1", lambda q: q.group_by == ("call__team",)),
        # "through March" is in March; "then" after a comparative is "than"
        (
            "Weekly average QA score through March",
            lambda q: q.grain == "week" and q.period is not None and q.period.start == dt.date(2026, 3, 1),
        ),
        ("calls with a handle time more then 10 minutes", lambda q: q.conditions[0][1] == ">"),
        # "jan through march" stays a range of months
        (
            "monthly avg csat trend, jan through march",
            lambda q: (
                q.period is not None
                and (q.period.start, q.period.end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
            ),
        ),
    ],
)
def test_pooled_values_periods_said_through_and_then_for_than(
    reader: QuestionReader, question: str, check: Any
) -> None:
    assert check(_read(reader, question)), _read(reader, question)


def test_values_compared_and_pooled_at_once_are_refused(reader: QuestionReader) -> None:
    _refused(reader, "AHT Billing East vs Tech Tier 1 combined")


@pytest.mark.parametrize(
    ("question", "check"),
    [
        # why the median is asked, said of the average: never a second statistic
        (
            "Vendor comparison: median handle time by queue (the average gets skewed by a few monster calls)",
            lambda q: q.metrics == ("median_handle_time",) and q.group_by == ("call__queue",),
        ),
        (
            "Median CSAT per queue — the averages look too close to call",
            lambda q: q.metrics == ("median_csat",),
        ),
        # "across all <kinds>": pooled, no grouping; compared across them, one row each
        ("average handle time across all teams", lambda q: q.group_by == ()),
        (
            "the average number of calls we get per day in March, across all queues and directions. Not a "
            "breakdown, just the one number.",
            lambda q: q.metrics == ("average_calls_per_day",) and q.group_by == (),
        ),
        ("compare AHT across all teams", lambda q: q.group_by == ("call__team",)),
        ("AHT across teams", lambda q: q.group_by == ("call__team",)),
        # a typed slip, and a callback still needed
        (
            "Feb: number of calls flaged in each category",
            lambda q: q.group_by == ("call_category__category",),
        ),
        ("how many calls in march still need a callback", lambda q: q.metrics == ("callback_calls",)),
    ],
)
def test_commentary_on_the_average_pooled_kinds_and_callbacks_still_needed(
    reader: QuestionReader, question: str, check: Any
) -> None:
    assert check(_read(reader, question)), _read(reader, question)


def test_a_breakdown_ruled_out_next_to_one_asked_for_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "average handle time by team, not a breakdown")


def _share(reader: QuestionReader, question: str) -> ShareQuery:
    reading = reader.read(question, TODAY)
    assert isinstance(reading.query, ShareQuery), (question, reading)
    return reading.query


@pytest.mark.parametrize(
    ("question", "source"),
    [
        # one of the two sources left out: the other kept, however it is said
        ("how many evaluations did our human evaluators submit in March (not the automated ones)?", "MANUAL"),
        ("how many evals did the human reviewers submit in feb? not counting the automation", "MANUAL"),
        ("how many evaluations in March, excluding the automated ones", "MANUAL"),
        ("how many evaluations in March, not counting the automation", "MANUAL"),
        ("how many evaluations last month, excluding manual evals", "AUTOMATED"),
        ("how many automatic fails in March, not counting the automation", "MANUAL"),
    ],
)
def test_an_evaluation_source_left_out_keeps_the_other(
    reader: QuestionReader, question: str, source: str
) -> None:
    query = _read(reader, question)
    assert query.filters == (("evaluation__evaluation_source", source),), query


@pytest.mark.parametrize(
    "question",
    [
        "what percentage of our evaluations are done by the automation rather than a person?",
        "how much of our QA in march was automated? as a % of submitted evals",
        "How much of our QA is done by automation? % of submitted evaluations that were automated.",
    ],
)
def test_the_share_of_qa_done_by_automation(reader: QuestionReader, question: str) -> None:
    share = _share(reader, question)
    assert share.numerator.metrics == share.denominator.metrics == ("evaluations",)
    assert share.numerator.filters == (("evaluation__evaluation_source", "AUTOMATED"),)
    assert share.denominator.filters == ()


def test_automatic_fails_are_no_automation_to_leave_out(reader: QuestionReader) -> None:
    # "not automatic fails" names a measure, never the automated source
    reading = reader.read("how many evaluations were not automatic fails", TODAY)
    assert reading.query is None or all(
        value != "MANUAL" for _, value in getattr(reading.query, "filters", ())
    ), reading


@pytest.mark.parametrize(
    "question",
    [
        "what share of calls had any hold at all? not how long, just whether they were put on hold",
        "what % of calls had any hold time?",
        "share of calls with any time on hold",
    ],
)
def test_calls_with_any_hold(reader: QuestionReader, question: str) -> None:
    share = _share(reader, question)
    assert share.numerator.conditions == (("call__hold_time_minutes", ">", 0.0),), share


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("vendor mgmt: how many agents work each queue?", "call__queue"),
        ("how many different agents worked each queue in march?", "call__queue"),
        ("how many agents are working in each team?", "call__team"),
    ],
)
def test_agents_who_work_a_queue_are_the_agents_who_took_its_calls(
    reader: QuestionReader, question: str, group: str
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("distinct_agents",) and query.group_by == (group,), query


@pytest.mark.parametrize(
    ("question", "metric", "group"),
    [
        ("avg number of action items per call, by queue", "average_action_items_per_call", ("call__queue",)),
        ("Tech Tier 1 — action items per call, on average?", "average_action_items_per_call", ()),
        ("how many customer issues get detected per call on average?", "average_issues_per_call", ()),
        ("average outcomes per call by team", "average_outcomes_per_call", ("call__team",)),
        ("on average how many insights per call?", "average_insights_per_call", ()),
    ],
)
def test_insights_per_call_are_averaged_over_every_call(
    reader: QuestionReader, question: str, metric: str, group: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,) and query.group_by == group, query
    # the insights themselves, and the calls with one, are still counted as before
    assert _read(reader, "how many issues were detected in March?").metrics == ("insights",)
    assert _read(reader, "how many calls had an issue?").metrics == ("calls_with_insight",)


@pytest.mark.parametrize(
    "question",
    [
        "how many Tech Tier 1 calls got evaluated this quarter? calls, not evaluations - some have two",
        "How many calls did QA evaluate in March? Some calls get scored twice so count each call once.",
        "how many distinct calls have been QA'd in total? some calls got more than one eval so don't count evals",
        "for each Billing East agent, how many of their calls got a QA eval? distinct calls, some have two evals",
        "how many calls got QA'd per team in March? count each call once, even the ones scored twice",
    ],
)
def test_evaluated_calls_with_a_remark_that_each_call_counts_once(
    reader: QuestionReader, question: str
) -> None:
    assert _read(reader, question).metrics == ("evaluated_calls",)


def test_a_remark_on_calls_scored_twice_names_no_measure(reader: QuestionReader) -> None:
    # the evaluations themselves, counted with the remark: still the evaluations
    query = _read(reader, "how many evaluations in March? some calls get scored twice")
    assert query.metrics == ("evaluations",), query
    # evaluations counted while each call is to count once: no distinct count of calls, so refused
    _refused(reader, "how many evaluations in March? some calls get scored twice so count each call once")


def test_what_the_asker_wants_to_know_is_commentary(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "Which call topic has the most negative average customer sentiment? marketing wants to know where the pain is",
    )
    assert query.metrics == ("average_customer_sentiment",) and query.group_by == ("call__summary_topic",)
    # a sentence that names a value is never commentary, even after "wants to know"
    query = _read(
        reader,
        "Which call topic has the most negative average customer sentiment? we want to know where the Billing calls go",
    )
    assert ("call__queue", "Billing") in query.filters, query


@pytest.mark.parametrize(
    "question",
    [
        "how many human evaluators submitted evals (not the automation)?",
        "how many human evaluators do we have?",
        "how many different human reviewers scored calls in March?",
    ],
)
def test_human_evaluators_counted_are_the_evaluators_of_manual_evaluations(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("distinct_evaluators",), query
    assert query.filters == (("evaluation__evaluation_source", "MANUAL"),), query


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("AHT for each of the teams", "average_handle_time", ("call__team",)),
        ("csat for each of our queues", "average_csat", ("call__queue",)),
        ("auto-fail rate for each of the evaluators", "automatic_fail_rate", ("evaluation__evaluator",)),
    ],
)
def test_each_of_the_groups_is_a_split_by_them(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,) and query.group_by == group_by, query
    # two of them are two sides compared, not every group
    assert _refused(reader, "AHT for each of the two teams").query is None


def test_each_of_the_human_analysts_leaving_the_automation_out(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "Auto-fail rate for each of the human QA analysts (leave the contact lens automation out), whole period",
    )
    assert query.metrics == ("automatic_fail_rate",) and query.group_by == ("evaluation__evaluator",)
    assert query.filters == (("evaluation__evaluation_source", "MANUAL"),), query


def test_the_contact_lens_bot_is_the_automation_and_including_it_keeps_every_evaluator(
    reader: QuestionReader,
) -> None:
    query = _read(
        reader, "QA mgmt: # of evals each evaluator submitted in March (include the contact lens bot)"
    )
    assert query.metrics == ("evaluations",) and query.group_by == ("evaluation__evaluator",)
    assert query.filters == () and query.period is not None and query.period.start == dt.date(2026, 3, 1)


def test_a_qa_heading_before_an_evaluation_question_is_its_topic(reader: QuestionReader) -> None:
    query = _read(reader, "QA: how many different agents got at least one evaluation in March?")
    assert query.metrics == ("evaluated_agents",), query
    # before a question about calls, "QA:" may narrow the calls: still a word to account for
    _refused(reader, "QA: calls by team")


def test_a_bare_month_word_is_the_month_unless_marched_through(reader: QuestionReader) -> None:
    query = _read(reader, "aht march in mins")
    assert query.metrics == ("average_handle_time",) and query.scale == ("minutes", 60.0)
    assert query.period is not None and query.period.start == dt.date(2026, 3, 1)
    query = _read(reader, "calls feb by team")
    assert query.period is not None and query.period.start == dt.date(2026, 2, 1)
    # "may" stays a modal verb without a preposition
    modal = reader.read("may I see calls by team", TODAY).query
    assert modal is None or getattr(modal, "period", None) is None


@pytest.mark.parametrize(
    ("question", "op", "number"),
    [
        ("What share of February's survey responses were a 1 or a 2?", "<=", 2.0),
        ("how many of the March survey responses came back as a 1 or 2?", "<=", 2.0),
    ],
)
def test_survey_answers_that_were_one_or_two(
    reader: QuestionReader, question: str, op: str, number: float
) -> None:
    reading = reader.read(question, TODAY)
    assert reading.query is not None, reading
    text = str(reading.query)
    assert f"('call__csat', '{op}', {number!r})" in text, text


def test_wordings_of_a_value_said_plainly(reader: QuestionReader) -> None:
    query = _read(reader, "Outbound calls that stayed connected for more than 10 minutes in Q1, count please")
    assert query.metrics == ("calls",) and query.conditions == (("call__duration_minutes", ">", 10.0),), query
    query = _read(reader, "what's the longest hold any customer sat through in March?")
    assert query.metrics == ("max_hold_time",), query
    query = _read(reader, "On how many different days did each Billing East rep take calls in March?")
    assert query.metrics == ("days_with_calls",) and query.group_by == ("call__agent_name",), query
    assert ("call__team", "Billing East") in query.filters
    query = _read(reader, "What's the most common call outcome Call Analytics picks up?")
    assert query.group_by == ("call_insight__outcome",) and query.limit == 1, query


def test_purpose_tails_and_headings_of_who_asks(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "Handle hours per team for Feb please (hours, not seconds) - checking the vendor invoice line by line",
    )
    assert query.metrics == ("total_handle_time_hours",) and query.group_by == ("call__team",), query
    query = _read(
        reader, "sorry if this is a dumb q, I just joined — how many calls were in Spanish this quarter?"
    )
    assert query.metrics == ("calls",) and query.filters == (("call__language", "es-US"),), query
    query = _read(reader, "QA throughput: evaluations per week since March 2")
    assert query.metrics == ("evaluations",) and query.grain == "week", query
    query = _read(reader, "calls per Tech Tier 1 rep")
    assert query.group_by == ("call__agent_name",) and query.filters == (("call__team", "Tech Tier 1"),)


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        (
            "Billing queue: quartiles of connected call duration (seconds)",
            ("p25_call_duration", "median_call_duration", "p75_call_duration"),
            (),
        ),
        (
            "quartiles of handle time by team",
            ("p25_handle_time", "median_handle_time", "p75_handle_time"),
            ("call__team",),
        ),
        ("QA score quartiles in March", ("p25_qa_score", "median_qa_score", "p75_qa_score"), ()),
        ("25th percentile QA score for Q1?", ("p25_qa_score",), ()),
        ("lower quartile of CSAT per queue", ("p25_csat",), ("call__queue",)),
        ("p75 hold time", ("p75_hold_time",), ()),
    ],
)
def test_quartiles_are_the_25th_50th_and_75th_percentiles(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics and query.group_by == group_by, query


def test_a_percentile_no_metric_defines_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "p25 of talk speed")
    _refused(reader, "quartiles of sentiment")


def test_the_instruction_writes_the_median_and_quartiles_once() -> None:
    from orchestration.agent_artifacts import _compact_names, expand_names

    names = [f"{s}_{v}" for s in ("median", "p25", "p75") for v in ("csat", "handle_time")] + [
        "p90_handle_time"
    ]
    compact = _compact_names(names)
    assert "{median,p25,p75}_{csat,handle_time}" in compact and "p90_handle_time" in compact
    assert expand_names(", ".join(compact)) == set(names)


def test_the_longest_waits_are_calls_and_listed_columns_make_a_list_of_evaluations() -> None:
    from lambdas.shared.answering.call_lists import looks_like_a_list
    from lambdas.shared.answering.evaluation_lists import looks_like_an_evaluation_list
    from lambdas.shared.answering.semantic import _said_plainly

    said = _said_plainly("5 longest queue waits in March: call id, queue, wait in seconds")
    assert said.startswith("the 5 calls with the longest queue wait in March")
    assert looks_like_a_list(said)
    # split by a group, the longest several are no list of calls
    assert "calls with" not in _said_plainly("the 5 longest holds in March by team")
    assert looks_like_an_evaluation_list(
        "Leo Wilson's evaluations in March — evaluation date, evaluator, form, score"
    )
    assert looks_like_an_evaluation_list("list every auto-failed evaluation from the past 2 weeks")
    # a count or an average of them is no list
    assert not looks_like_an_evaluation_list("evaluations by team in March — count and average score")


def test_top_groups_by_csat_rank_them_by_it(reader: QuestionReader) -> None:
    query = _read(reader, "Top 2 teams by CSAT since feb 10")
    assert query.metrics == ("average_csat",) and query.group_by == ("call__team",), query
    assert query.order_by == "-average_csat" and query.limit == 2
    # a count of calls by the survey score is still a split by it
    assert _read(reader, "calls by csat score").group_by != ("call__team",)


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("Average CSAT for February please, putting together the monthly CX deck", "average_csat", ()),
        ("How many hours of after-call work did we pay for last month?", "total_after_call_work_hours", ()),
        ("longest hold anyone has had to sit through? in seconds", "max_hold_time", ()),
        ("QBR prep: total call volume for Q1, inbound + outbound together", "calls", ()),
        (
            "number of evaluations per evaluation form (all versions together)",
            "evaluations",
            ("evaluation__form_title",),
        ),
        (
            "which queue keeps people waiting longest on avg before an agent picks up?",
            "average_queue_wait",
            ("call__queue",),
        ),
        ("WFM: weekly call counts for February (Mon-start weeks)", "calls", ()),
        (
            "what are the 3 most common customer issues this quarter (the issue text itself)?",
            "calls_with_insight",
            ("call_insight__issue",),
        ),
        (
            "QA — lowest scoring question overall (avg score)?",
            "average_answer_score",
            ("scorecard_answer__question_text",),
        ),
    ],
)
def test_asides_that_restate_the_request(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics[0] == metric and query.group_by == group_by, query


def test_a_qa_heading_before_a_section_score_question(reader: QuestionReader) -> None:
    query = _read(reader, "QA: how does each team score on the Empathy section this quarter?")
    assert query.group_by == ("scorecard_section__team",) or "team" in query.group_by[0], query
    assert any(value == "Empathy" for _, value in query.filters), query


def test_a_share_asked_ranked_keeps_the_first_groups_never_every_group_unranked(
    reader: QuestionReader,
) -> None:
    reading = reader.read(
        "Which team has the highest share of its calls flagged escalation-request? Q1", TODAY
    )
    query = reading.query
    assert isinstance(query, ShareQuery), reading
    assert (query.order, query.limit) == ("desc", 1) and query.denominator.group_by == ("call__team",)
    query = reader.read("top 3 agents by share of calls that were escalation-request in march", TODAY).query
    assert isinstance(query, ShareQuery) and (query.order, query.limit) == ("desc", 3), query
    query = reader.read("which team has the lowest share of calls flagged cancellation-intent", TODAY).query
    assert isinstance(query, ShareQuery) and (query.order, query.limit) == ("asc", 1), query
    # how the calls split across the groups, ranked, and a ranking with no group: refused
    assert "ranked" in _refused(reader, "which queue has the biggest share of calls in March").reason
    _refused(reader, "the highest share of calls flagged escalation-request")


def test_a_ranked_share_orders_and_cuts_the_groups_in_sql() -> None:
    from lambdas.shared.answering.semantic import compose_share

    share = ShareQuery(
        numerator=MetricQuery(("categorised_calls",), ("call_category__team",)),
        denominator=MetricQuery(("calls",), ("call__team",)),
        condition="category = long-silence",
        order="desc",
        limit=1,
    )
    sql = compose_share(share, "SELECT 1", "SELECT 2")
    assert sql.endswith("ORDER BY share_percent DESC NULLS LAST\nLIMIT 1")


@pytest.mark.parametrize(
    ("question", "metric", "conditions"),
    [
        ("how many calls in feb had no hold at all?", "calls", (("call__hold_time_minutes", "<=", 0.0),)),
        (
            "calls where the customer sat on hold for more than 3 minutes, March — how many?",
            "calls",
            (("call__hold_time_minutes", ">", 3.0),),
        ),
        ("How many CSAT scores of 1 or 2 came in for March calls?", "surveyed_calls", None),
    ],
)
def test_holds_and_survey_scores_said_in_everyday_words(
    reader: QuestionReader, question: str, metric: str, conditions: tuple[Any, ...] | None
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,), query
    if conditions is not None:
        assert query.conditions == conditions, query
    else:
        assert ("call__csat", "<=", 2.0) in query.conditions, query


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("what was the single longest queue wait anyone had in March (seconds)?", "max_queue_wait", ()),
        ("Telephony: what was our service level in March? standard 30s answer target", "service_level", ()),
        ("SL by queue for March please (30 sec threshold as usual)", "service_level", ("call__queue",)),
        (
            "IVR: 90th percentile queue wait for inbound calls by queue, March",
            "p90_queue_wait",
            ("call__queue",),
        ),
        (
            "HR: how many days did each Billing East agent work in March? (any day they had at least one call counts "
            "as a day worked)",
            "days_with_calls",
            ("call__agent_name",),
        ),
        (
            "HR: the 2 agents with the fewest days worked in February (a day with a call counts)",
            "days_with_calls",
            ("call__agent_name",),
        ),
        (
            "Top 5 agents by calls per day worked in Q1 (days with at least one call)",
            "average_calls_per_day",
            ("call__agent_name",),
        ),
        (
            "Workload review — Tech Tier 1, calls per agent per day this quarter, one number per agent (only counting "
            "the days they actually worked)",
            "average_calls_per_day",
            ("call__agent_name",),
        ),
        (
            "Calibration check - avg QA score of the human-scored evaluations this quarter (leave out the Contact Lens "
            "automated ones)",
            "average_qa_score",
            (),
        ),
    ],
)
def test_days_worked_service_level_targets_and_headings(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,) and query.group_by == group_by, query


def test_calls_per_agent_per_day_without_one_number_per_agent_stays_a_table(reader: QuestionReader) -> None:
    query = _read(reader, "calls per agent per day in march")
    assert query.metrics == ("calls",) and query.grain == "day", query


def test_a_ranked_share_runs_and_keeps_the_top_group(answerer: Any) -> None:
    every = answerer.answer("share of calls flagged escalation-request by team")
    top = answerer.answer("which team has the highest share of its calls flagged escalation-request?")
    assert not every.refused and not top.refused, (every.text, top.text)
    assert len(top.rows) == 1 and "the highest" in top.text.split("\n", 1)[0]
    best = max(every.rows, key=lambda row: (row[-1] is not None, row[-1] or 0))
    assert top.rows[0][-1] == best[-1]


def test_answers_of_no_are_counted_per_question(reader: QuestionReader) -> None:
    query = _read(reader, "Which evaluation question got answered 'No' the most in Q1?")
    assert query.metrics == ("answers_of_no",) and query.group_by == ("scorecard_answer__question_text",)
    assert (query.order_by, query.limit) == ("-answers_of_no", 1), query
    # "no answers" may mean none at all: never read as answers of No
    reading = reader.read("how many calls had no answers", TODAY)
    assert reading.query is None or "answers_of_no" not in str(reading.query)


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        # a latitude on how it is shown is no narrowing
        ("call volume by day of week for Q1 (Mon=1 … Sun=7 is fine)", ("calls",)),
        ("inbound calls by hour of the day in March? UTC hours are ok", ("calls",)),
        # a definition said again
        (
            "QA score quartiles for Q1 — 25th, 50th and 75th percentile",
            ("p25_qa_score", "median_qa_score", "p75_qa_score"),
        ),
        ("csat last mnth", ("average_csat",)),
    ],
)
def test_asides_that_grant_latitude_or_repeat_the_definition_are_read_through(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


def test_a_rate_named_then_defined_is_read_by_its_definition(reader: QuestionReader) -> None:
    defined = reader.read("whats our escalaton rate? (% of calls w/ an escalation request) Q1", TODAY).query
    said = reader.read("% of calls w/ an escalation request in Q1", TODAY).query
    assert defined is not None and defined == said
    # the name alone is not read as that share
    _refused(reader, "escalation rate Q1")


def test_negative_sentiment_defined_as_below_zero_is_the_same_share(reader: QuestionReader) -> None:
    plain = reader.read("What % of calls had negative customer sentiment in Q1?", TODAY).query
    defined = reader.read("What % of calls had negative customer sentiment (below zero) in Q1?", TODAY).query
    assert plain is not None and defined == plain


@pytest.mark.parametrize(
    "question",
    [
        "which of Billing East's agents has the highest AHT this quarter",
        "highest AHT in march",
        "who waited longest in the queue",
    ],
)
def test_a_which_or_an_average_is_never_read_as_one_call_s_maximum(
    reader: QuestionReader, question: str
) -> None:
    reading = reader.read(question, TODAY)
    assert reading.query is None or not any(m.startswith("max_") for m in reading.query.metrics), reading


def test_the_longest_single_value_asked_with_nothing_to_rank_is_the_maximum(reader: QuestionReader) -> None:
    assert _read(reader, "the longest queue wait last month").metrics == ("max_queue_wait",)


def test_a_team_the_asker_calls_theirs_is_that_team() -> None:
    reader = QuestionReader(
        SemanticManifest.load(), {**VALUES, "team": ["Billing East", "Retention Specialists"]}
    )
    owned = reader.owned("Which of my Billing East reps has the highest AHT this quarter?")
    assert owned == "which agent in Billing East has the highest AHT this quarter?"
    query = _read(reader, owned)
    assert query.filters == (("call__team", "Billing East"),) and query.limit == 1
    said = reader.owned("Retention Specialists (my team as of Monday): average QA score for each agent, Q1")
    assert said == "Retention Specialists: average QA score for each agent, Q1"
    # "my team" unnamed: nobody knows who asks, so it stays and is not accounted for
    assert (
        reader.owned("how many calls did my team take last month")
        == "how many calls did my team take last month"
    )
    _refused(reader, "how many calls did my team take last month")


@pytest.mark.parametrize(
    "question",
    [
        "average hold time for calls that went on hold",
        "Average hold time per team — but only counting calls that actually went on hold",
        "average hold time of calls that were placed on hold",
    ],
)
def test_calls_that_went_on_hold_filter_the_average_never_drop_out(
    reader: QuestionReader, question: str
) -> None:
    # "went on hold" said next to the hold time is a condition on the calls, not the measure named twice
    query = _read(reader, question)
    assert query.metrics == ("average_hold_time",)
    assert [(name, op, number) for name, op, number in query.conditions] == [
        ("call__hold_time_minutes", ">", 0.0)
    ]


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        # the average said after what it is of
        ("qa avg by team ytd", ("average_qa_score",), ("evaluation__team",)),
        ("hold avg per queue last 2 wks", ("average_hold_time",), ("call__queue",)),
        # QA said alone for its score; counted, it is the evaluations
        ("avg qa by team", ("average_qa_score",), ("evaluation__team",)),
        ("how many QA evaluations by team", ("evaluations",), ("evaluation__team",)),
        ("customer wpm by queue", ("average_customer_talk_speed",), ("call__queue",)),
        # an outsourced centre's client is its queue
        ("QBR prep: AHT per client queue for March", ("average_handle_time",), ("call__queue",)),
        ("how many calls wer surveyed in feb", ("surveyed_calls",), ()),
    ],
)
def test_shorthand_of_a_measure_reads_as_the_measure(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by), query


def test_since_the_middle_of_a_month_starts_on_its_15th(reader: QuestionReader) -> None:
    query = _read(reader, "average QA score since mid-Feb?")
    assert query.period is not None and query.period.start == dt.date(TODAY.year, 2, 15), query.period
    assert _read(reader, "1:1 — QA score by month").grain == "month"


@pytest.mark.parametrize(
    "question",
    [
        "What was our overall service level for the quarter? The client's SLA is 30 seconds",
        "SL by month for Q1 (% of inbound answered within 30 sec)",
    ],
)
def test_service_level_with_its_own_threshold_said_again_is_read(
    reader: QuestionReader, question: str
) -> None:
    assert _read(reader, question).metrics == ("service_level",)


def test_service_level_at_another_threshold_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "service level by queue, our SLA is 20 seconds")


def test_an_aside_last_that_only_says_what_it_is_for_is_left_out(answerer: Any) -> None:
    plain = answerer.answer("How many agents took or made at least one call in March?")
    aside = answerer.answer(
        "How many agents took or made at least one call in March? (headcount sanity check for the invoice)"
    )
    assert not plain.refused and not aside.refused, (plain.text, aside.text)
    assert aside.rows == plain.rows
    assert re.sub(r"subq_\d+", "subq", aside.sql or "") == re.sub(r"subq_\d+", "subq", plain.sql or "")
    # an aside that names a value is no purpose alone: not left out, so not accounted for
    assert answerer.answer("AHT by team (for the Billing East deck)").refused


@pytest.mark.parametrize(
    ("question", "grain", "months"),
    [
        ("sl mom jan feb mar", "month", (1, 3)),
        ("calls by month for jan, feb and march", "month", (1, 3)),
        ("MoM: AHT by queue this quarter", "month", (1, 3)),
    ],
)
def test_month_over_month_and_consecutive_months_read_as_each_month(
    reader: QuestionReader, question: str, grain: str, months: tuple[int, int]
) -> None:
    query = _read(reader, question)
    assert query.grain == grain, query
    assert query.period is not None
    last = query.period.end - dt.timedelta(days=1)  # the end is exclusive
    assert (query.period.start.month, last.month) == months, query.period


@pytest.mark.parametrize(
    "question",
    [
        "aht mom change",  # the change from month to month is another figure
        "calls by month jan feb apr",  # a gap: not one period
        "month over month growth in calls",
    ],
)
def test_a_change_month_over_month_or_months_with_a_gap_are_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


def test_a_queue_said_short_is_the_queue_and_a_quarter_stays_one(reader: QuestionReader) -> None:
    query = _read(reader, "p90 aht billing q q1")
    assert [name for name, _ in query.filters] == ["call__queue"], query
    assert query.period is not None and (query.period.start, query.period.end) == (
        dt.date(TODAY.year, 1, 1),
        dt.date(TODAY.year, 4, 1),
    )


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("WFM: agents on calls per day over the past 14 days", ("metric_time__day",)),
        ("agents who took calls in March", ()),
        ("number of reps taking calls by team in March", ("call__team",)),
    ],
)
def test_agents_on_calls_count_the_agents_never_their_calls(
    reader: QuestionReader, question: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("distinct_agents",), query
    grouped = tuple(query.group_by) + ((f"metric_time__{query.grain}",) if query.grain else ())
    assert grouped == group_by, query


@pytest.mark.parametrize("question", ["agents with calls by team", "agents with calls in march"])
def test_agents_a_question_starts_with_are_what_it_counts(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("total call volume for the first half of March (the 1st to the 15th)", (3, 1), (3, 16)),
        ("AHT in the second half of feb", (2, 16), (3, 1)),
        ("how many calls did each Tech Tier 1 agent handle in the 1st half of march?", (3, 1), (3, 16)),
    ],
)
def test_a_half_of_a_month_is_its_first_fifteen_days_or_the_rest(
    reader: QuestionReader, question: str, start: tuple[int, int], end: tuple[int, int]
) -> None:
    query = _read(reader, question)
    assert query.period is not None
    assert (query.period.start, query.period.end) == (dt.date(TODAY.year, *start), dt.date(TODAY.year, *end))


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        ("VoC: customer sentiment by queue for Q1", ("average_customer_sentiment",), ("call__queue",)),
        ("AHT by queue and month, Q1", ("average_handle_time",), ("call__queue",)),
        ("total handle hrs per agent tech tier 1 feb", ("total_handle_time_hours",), ("call__agent_name",)),
        ("bottom 3 agents by qa ytd", ("average_qa_score",), ("agent__agent_name",)),
        ("What was average CSAT last month? (survey answers only, the 1–5 score)", ("average_csat",), ()),
        ("average QA score for the quarter, automated evaluations included", ("average_qa_score",), ()),
        ("Calls per agent this quarter, across the whole floor?", ("calls_per_agent",), ()),
        ("calls per agent by team", ("calls_per_agent",), ("call__team",)),
    ],
)
def test_headings_splits_and_restatements_analysts_type(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, tuple(query.group_by)) == (metrics, group_by), query


def test_a_value_ending_in_a_number_before_a_month_is_no_day(reader: QuestionReader) -> None:
    query = _read(reader, "aht tech tier 1 march")
    assert [value for _, value in query.filters] == ["Tech Tier 1"], query
    assert query.period is not None and query.period.start == dt.date(TODAY.year, 3, 1)
    assert query.period.end == dt.date(TODAY.year, 4, 1)


@pytest.mark.parametrize(
    "question",
    [
        # the customers' talk speed is not the agents' the bare "talk speed" reads
        "Talk speed by queue for Q1 — the customers' words per minute",
        "talk speed by queue, the customers'",
    ],
)
def test_the_other_participant_said_of_a_measure_read_as_one_side_is_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


def test_calls_per_agent_said_alone_is_still_a_row_per_agent(reader: QuestionReader) -> None:
    query = _read(reader, "calls per agent this quarter")
    assert (query.metrics, tuple(query.group_by)) == (("calls",), ("call__agent_name",)), query


def test_a_sentence_about_the_agent_between_the_heading_and_the_request_is_left_out(answerer: Any) -> None:
    plain = answerer.answer("What's Dana Reyes's average handle time per call this quarter?")
    told = answerer.answer(
        "Prepping Dana Reyes's one-to-one. She's been told to cut down on handle time — what's her average handle "
        "time per call this quarter?"
    )
    assert not plain.refused and not told.refused, (plain.text, told.text)
    assert told.rows == plain.rows


@pytest.mark.parametrize(
    "question",
    [
        "avg qa score by team. she's asking about march",  # a period is never commentary
        "avg qa score by team. my boss is asking about march",
        "AHT by team. she told me only inbound",  # narrows
    ],
)
def test_commentary_that_names_a_period_or_narrows_is_kept(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "group_by", "grain"),
    [
        ("QA: manual vs automated evaluations per month, Q1", ("evaluation__evaluation_source",), "month"),
        ("automated vs manual evaluations", ("evaluation__evaluation_source",), None),
    ],
)
def test_manual_against_automated_evaluations_split_them_by_source(
    reader: QuestionReader, question: str, group_by: tuple[str, ...], grain: str | None
) -> None:
    query = _read(reader, question)
    assert (query.metrics, tuple(query.group_by), query.grain) == (("evaluations",), group_by, grain), query


def test_the_whole_dataset_without_a_date_filter_is_all_data(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "What share of all our calls has had at least one QA evaluation? Whole dataset, no date filter",
    )
    assert query.metrics == ("evaluated_call_rate",) and query.period is None, query


@pytest.mark.parametrize(
    "question",
    [
        # a measure of both sides, with one participant's own measure defined, said of that participant
        "Talk hours by team, Q1 — just the time the customers were speaking",
        "talk hours by team, just the customers",
    ],
)
def test_a_measure_of_both_sides_said_of_one_participant_is_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        (
            "Customer talk hours by team, Q1 — just the time the customers were speaking",
            "total_customer_talk_time_hours",
        ),
        ("Longest single wrap-up per team in March (one call's ACW, the max)", "max_after_call_work"),
        ("agent interruptions of customers by team", "average_agent_interruptions"),
    ],
)
def test_what_a_measure_is_of_said_again_is_read(reader: QuestionReader, question: str, metric: str) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,) and query.group_by == ("call__team",), query


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        ("total call volume for the first half of March, all queues", ("calls",), ()),
        ("AHT in March, all teams together", ("average_handle_time",), ()),
        ("call volume by queue for the quarter, one bar each", ("calls",), ("call__queue",)),
        (
            "Exec deck — I need one big number for slide 2: total calls we handled in Q1. Thanks!",
            ("calls",),
            (),
        ),
        (
            "For the monthly ops review (the board asks every time): what was our service level in March?",
            ("service_level",),
            (),
        ),
    ],
)
def test_every_group_together_and_where_the_answer_goes_are_read(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert (query.metrics, tuple(query.group_by)) == (metrics, group_by), query


@pytest.mark.parametrize(
    "question",
    [
        "AHT by team (my boss wants march)",  # an aside with a period
        "AHT by team (my boss wants inbound)",  # an aside with a value
        "AHT by queue for March, all queues but Billing",  # an exception is no pooling
    ],
)
def test_asides_and_poolings_that_narrow_are_kept(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_the_question_answered_no_most_often_is_the_first_of_a_ranking(reader: QuestionReader) -> None:
    query = _read(reader, "which evaluation question was answered No most often this quarter?")
    assert query.metrics == ("answers_of_no",) and query.limit == 1, query


@pytest.mark.parametrize(
    ("question", "team"),
    [
        (
            "Hi! I just took over Tech Tier 1 this week. How many calls did my team handle last month?",
            "Tech Tier 1",
        ),
        ("I run Billing East. How many calls did my team take in March?", "Billing East"),
    ],
)
def test_my_team_is_the_team_a_sentence_before_says_the_asker_runs(
    answerer: Any, question: str, team: str
) -> None:
    answer = answerer.answer(question)
    assert not answer.refused, answer.text
    assert f"team = {team}" in answer.text


def test_my_team_without_its_name_is_still_refused(answerer: Any) -> None:
    assert answerer.answer("How many calls did my team handle last month?").refused


def test_seconds_said_short_are_seconds(reader: QuestionReader) -> None:
    query = _read(reader, "avg handle time (sec) by queue")
    assert query.metrics == ("average_handle_time",) and query.group_by == ("call__queue",), query


def test_an_aside_that_only_points_at_the_rows_is_never_left_out(reader: QuestionReader) -> None:
    # "(whenever they were evaluated)" says which date the period is of: left out, the period would move to the
    # evaluation day
    _refused(
        reader,
        "How many evaluations were done on calls that took place in January (whenever they were evaluated)?",
    )


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("VoC: how many survey answers did we get at each score, 1 to 5, in Q1?", ("call__survey_score",)),
        ("CSAT distribution for Q1", ("call__survey_score",)),
        ("distribution of csat scores by queue", ("call__survey_score", "call__queue")),
    ],
)
def test_a_csat_distribution_is_the_surveyed_calls_at_each_score(
    reader: QuestionReader, question: str, group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("surveyed_calls",) and tuple(query.group_by) == group_by, query


@pytest.mark.parametrize(
    "question",
    [
        "how much does customer sentiment improve from the start to the end of a call, per queue, in Feb?",
        "which 3 queues see the biggest improvement in customer sentiment from the start to the end of the call?",
    ],
)
def test_an_improvement_in_sentiment_over_the_call_is_its_change(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("average_customer_sentiment_change",) and query.group_by == ("call__queue",), (
        query
    )


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        (
            "lowest, median and highest QA score per evaluator",
            ("min_qa_score", "median_qa_score", "max_qa_score"),
        ),
        ("min, median and max QA score by evaluator", ("min_qa_score", "median_qa_score", "max_qa_score")),
        ("shortest, average and longest handle time per evaluator", None),
    ],
)
def test_extremes_listed_with_another_statistic_are_statistics_not_rankings(
    reader: QuestionReader, question: str, metrics: tuple[str, ...] | None
) -> None:
    if metrics is None:  # handle time is a call's value, not an evaluation's: no reading by evaluator
        _refused(reader, question)
        return
    query = _read(reader, question)
    assert query.metrics == metrics and query.group_by == ("evaluation__evaluator",), query
    assert query.limit is None and not query.order_by, query


@pytest.mark.parametrize(
    "question",
    [
        "which agents had the highest and lowest AHT",
        "highest and lowest AHT by team",
        "median and highest QA score per evaluator, who is top?",
    ],
)
def test_statistics_listed_but_read_as_fewer_figures_are_refused(
    reader: QuestionReader, question: str
) -> None:
    # two rankings, or a ranking and a statistic: one metric ranked would drop a figure the question asks for
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("average QA score by form version", ("evaluation__form_title", "evaluation__form_version")),
        ("evaluations per form version in Q1", ("evaluation__form_title", "evaluation__form_version")),
        ("QA score by version for the Technical Support Quality form", ("evaluation__form_version",)),
    ],
)
def test_a_split_by_form_version_is_by_form_and_version_unless_one_form_is_named(
    question: str, group_by: tuple[str, ...]
) -> None:
    # each form counts its own versions: version 1 of every form together is no group
    values = dict(VALUES)
    values["form"] = ["Technical Support Quality", "Customer Service Quality"]
    values["form version"] = ["1", "2"]
    query = _read(QuestionReader(SemanticManifest.load(), values), question)
    assert tuple(query.group_by) == group_by, query


@pytest.mark.parametrize(
    ("question", "condition", "within"),
    [
        (
            "share of survey answers that were a 4 or 5 on Billing in Q1",
            "CSAT 4–5",
            "queue = Billing",
        ),
        (
            "what % of calls on the Billing queue were flagged escalation-request?",
            "category",
            "queue = Billing",
        ),
        (
            "for each Billing East rep, what % of their calls got tagged escalation-request?",
            "category",
            "team",
        ),
    ],
)
def test_a_value_said_after_on_or_for_scopes_both_counts_of_a_share(
    reader: QuestionReader, question: str, condition: str, within: str
) -> None:
    query = reader.read(question, TODAY).query
    assert isinstance(query, ShareQuery), query
    assert condition in query.condition and within in query.within, query


@pytest.mark.parametrize(
    "question",
    [
        "share of escalation-request calls in the Billing queue",  # of the category's calls, or of the queue's?
        "what % of calls were inbound on Billing and Technical Support",
    ],
)
def test_a_share_whose_scope_is_not_said_apart_is_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("how many distinct calls were evaluated per team? not evaluations, calls", ("evaluated_calls",)),
        ("avg daily call volume in March? (per day, not the total)", ("average_calls_per_day",)),
        ("total hold time by team? not the average, the total", ("total_hold_time_hours",)),
    ],
)
def test_what_it_is_not_said_first_then_what_it_is(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(reader, question).metrics == metrics


@pytest.mark.parametrize(
    "question",
    [
        "average hold time by team? not the average, the total",  # says the measure it rules out
        "evaluations per team? not evaluations, calls",
    ],
)
def test_what_it_is_not_said_first_against_the_reading_is_refused(
    reader: QuestionReader, question: str
) -> None:
    _refused(reader, question)


def test_call_topics_ranked_by_a_measure_are_the_topics(reader: QuestionReader) -> None:
    query = _read(reader, "rank ALL call topics by resolution rate, best first")
    assert query.metrics == ("resolution_rate",) and query.group_by == ("call__summary_topic",), query
    assert query.limit is None and query.order_by == "-resolution_rate", query


@pytest.mark.parametrize(
    "question",
    [
        "the 5 QA questions our people score worst on (scored questions only)",
        "avg score per question (scored questions only)",
        "Average score of each scored question (leave out the free-text one)",
    ],
)
def test_scored_questions_only_is_what_a_question_score_averages(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("average_answer_score",), query
    assert query.group_by == ("scorecard_answer__question_text",), query


def test_scored_questions_only_with_another_measure_is_refused(reader: QuestionReader) -> None:
    # counting questions, "scored only" narrows the count: never dropped
    _refused(reader, "how many evaluations per form (scored questions only)")


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("Which queue needs the most callbacks (number of calls)?", ("callback_calls",)),
        ("which queue needs callbacks most often (callback rate), this quarter", ("callback_rate",)),
    ],
)
def test_a_measure_said_again_in_brackets_says_which_figure_is_meant(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics and query.group_by == ("call__queue",), query
    assert query.limit == 1 and query.order_by == f"-{metrics[0]}", query


def test_a_measure_in_brackets_of_another_thing_is_not_taken_for_the_one_asked(
    reader: QuestionReader,
) -> None:
    # hold hours are no callbacks: the aside is not the request's measure said again
    _refused(reader, "Which queue needs the most callbacks (total hold hours)?")


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("Billing East vs Tech Tier 1 — resolution rate for each?", "call__team"),
        ("AHT for Billing East and Tech Tier 1, each", "call__team"),
        ("calls per team per month for Billing East and Tech Tier 1", "call__team"),
    ],
)
def test_two_values_with_each_or_split_by_their_kind_are_one_row_each(
    reader: QuestionReader, question: str, label: str
) -> None:
    query = _read(reader, question)
    assert label in query.group_by, query
    assert sorted(v for k, v in query.filters if k == label) == ["Billing East", "Tech Tier 1"], query


def test_two_values_joined_by_and_with_nothing_said_of_rows_stay_refused(reader: QuestionReader) -> None:
    # one figure for both, or one each: not said
    _refused(reader, "AHT for Billing East and Tech Tier 1")


def test_a_series_for_two_values_joined_by_and_is_a_series_of_each(reader: QuestionReader) -> None:
    query = _read(reader, "Average ACW per month for Billing East and Tech Tier 1 this quarter")
    assert query.grain == "month" and query.group_by == ("call__team",), query
    combined = _read(reader, "calls per month for Billing East and Tech Tier 1 combined")
    assert combined.grain == "month" and combined.group_by == (), combined


def test_a_value_of_one_kind_said_before_another_kind_is_no_filter(reader: QuestionReader) -> None:
    # "the billing teams" are teams about billing, never the Billing queue
    _refused(reader, "AHT for the billing teams")
    assert ("call__queue", "Billing") in _read(reader, "AHT for Billing queue agents").filters


def test_each_of_the_past_days_is_per_day_over_them(reader: QuestionReader) -> None:
    query = _read(reader, "Average hold time for each of the past 7 days?")
    assert query.grain == "day" and query.period is not None, query
    assert (query.period.end - query.period.start).days == 7
    _refused(reader, "AHT for each of the last 4 weeks")  # four full weeks, or 28 days by week?


@pytest.mark.parametrize(
    ("question", "grain"),
    [("AHT by month, all queues", "month"), ("MoM check: AHT in February vs March, all queues", "month")],
)
def test_all_queues_said_last_is_every_queue_when_the_split_is_another(
    reader: QuestionReader, question: str, grain: str
) -> None:
    query = _read(reader, question)
    assert query.grain == grain and query.group_by == () and query.filters == (), query


def test_an_aside_whose_words_the_request_says_is_left_out(reader: QuestionReader) -> None:
    query = _read(reader, "Calls per agent by team in Q1 (the cost model bills per agent seat)")
    assert query.metrics == ("calls_per_agent",) and query.group_by == ("call__team",), query
    _refused(reader, "AHT by team (the board asks about Billing)")  # a value the request does not name


def test_whose_measure_said_in_any_name_of_the_participant(reader: QuestionReader) -> None:
    query = _read(reader, "avg agent sentiment (the reps' own, not the customer's) per team in March")
    assert query.metrics == ("average_agent_sentiment",), query
    _refused(reader, "avg customer sentiment (the reps' own, not the customer's) per team in March")


def test_a_ranking_asked_aside_after_each_group_ranks_every_group(reader: QuestionReader) -> None:
    query = _read(reader, "AHT for each team (which is the highest?)")
    assert query.group_by == ("call__team",) and query.limit is None, query
    assert query.order_by == "-average_handle_time", query


@pytest.mark.parametrize(
    ("question", "metric", "group"),
    [
        ("for each queue, the longest hold", "max_hold_time", "call__queue"),
        ("the longest hold per team", "max_hold_time", "call__team"),
        ("shortest call by team", "min_call_duration", "call__team"),
    ],
)
def test_the_longest_of_a_call_time_per_group_is_its_maximum(
    reader: QuestionReader, question: str, metric: str, group: str
) -> None:
    query = _read(reader, question)
    assert query.metrics == (metric,) and query.group_by == (group,) and query.limit is None, query


def test_which_group_has_the_longest_is_still_a_ranking(reader: QuestionReader) -> None:
    query = _read(reader, "which queue has the longest hold")
    assert query.metrics == ("average_hold_time",) and query.limit == 1, query


_QUESTIONS = [
    "Did the agent verify the caller's identity before discussing the account?",
    "Was the recorded-line disclosure read at the start of the call?",
    "Did the customer give explicit consent to the order?",
    "Did the agent greet the customer and give their name?",
    "Did the agent verify the account and service address?",
]


@pytest.fixture(scope="module")
def question_reader() -> QuestionReader:
    values = dict(VALUES)
    values["evaluation question"] = _QUESTIONS
    return QuestionReader(SemanticManifest.load(), values)


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("How many times was the recorded-line disclosure question answered No this quarter?", _QUESTIONS[1]),
        ("Compliance — identity-verification question: average score by team, Q1", _QUESTIONS[0]),
        ("average score of the greeting question by team", _QUESTIONS[3]),
        (
            "How many times did evaluators mark 'No' on the explicit consent question this quarter?",
            _QUESTIONS[2],
        ),
        ("the 'verify the caller's identity' question: how many 'No' answers did it get?", _QUESTIONS[0]),
    ],
)
def test_an_evaluation_question_named_by_some_of_its_words_is_that_question(
    question_reader: QuestionReader, question: str, text: str
) -> None:
    query = _read(question_reader, question)
    assert ("scorecard_answer__question_text", text) in query.filters, query


def test_words_that_name_two_questions_name_none(question_reader: QuestionReader) -> None:
    # "verify" is in two questions: which one is not said
    _refused(question_reader, "average score of the verify question")


def test_extremes_of_one_row_said_on_record_are_its_minimum_and_maximum(reader: QuestionReader) -> None:
    query = _read(reader, "lowest and highest QA score on record")
    assert query.metrics == ("min_qa_score", "max_qa_score") and query.limit is None, query


@pytest.mark.parametrize(
    ("question", "dimension"),
    [
        ("DS: how many calls had no interruptions at all, from either side?", "call__interruptions"),
        ("how many calls had no agent interruptions", "call__agent_interruptions"),
        ("calls where the customer never interrupted the agent, by queue", "call__customer_interruptions"),
    ],
)
def test_calls_with_no_interruptions_have_none(reader: QuestionReader, question: str, dimension: str) -> None:
    query = _read(reader, question)
    assert query.metrics == ("calls",) and query.conditions == ((dimension, "<=", 0.0),), query


@pytest.mark.parametrize(
    ("question", "filters"),
    [
        ("Tech Tier 1, March: 95th percentile of after-call work?", (("call__team", "Tech Tier 1"),)),
        ("Billing: AHT last month?", (("call__queue", "Billing"),)),
    ],
)
def test_a_heading_of_values_and_a_period_is_what_the_request_is_about(
    reader: QuestionReader, question: str, filters: tuple[tuple[str, str], ...]
) -> None:
    query = _read(reader, question)
    assert query.filters == filters and query.period is not None, query


def test_a_heading_with_other_words_than_values_is_not_taken_for_a_filter(reader: QuestionReader) -> None:
    _refused(reader, "Billing recon crew: AHT last month?")


def test_an_aside_naming_a_value_of_the_split_is_left_out(reader: QuestionReader) -> None:
    query = _read(reader, "call count split by language for march (we're sizing the Spanish line)")
    assert query.group_by == ("call__language",) and query.filters == (), query
    _refused(reader, "call count for march (we're sizing the Spanish line)")  # then it may be a filter


def test_a_top_n_whose_cut_off_falls_in_a_tie_says_so(answerer: Any) -> None:
    # Billing East and Tech Tier 1 took 2 calls each: neither is "the" team with the most calls
    tied = answerer.answer("which team has the most calls")
    assert not tied.refused and len(tied.rows) == 1, tied.text
    assert "tied at the cut-off: the next one has the same value, 2" in tied.text.splitlines()[0]
    assert tied.sql.rstrip().endswith("LIMIT 2")  # one row more than shown, read for the check
    # the two agents with 2 calls each are the top 2, whatever the order: no tie at the cut-off
    top = answerer.answer("top 2 agents by calls")
    assert sorted(r[0] for r in top.rows) == ["Dana Reyes", "Omar Haddad"], top.text
    assert "tied" not in top.text and "row 3 is not shown" in top.text


def test_one_number_per_month_beside_months_compared_is_the_same_grain(reader: QuestionReader) -> None:
    query = _read(reader, "call volume jan vs feb, one number per month")
    assert query.grain == "month" and query.versus is not None, query
    _refused(reader, "AHT jan vs feb by week")  # another grain than the months compared


def test_a_value_said_again_in_brackets_with_its_kind_is_the_same_value(reader: QuestionReader) -> None:
    query = reader.read(
        "For each queue, what share of calls had an escalation request (the escalation-request category)?",
        TODAY,
    ).query
    assert isinstance(query, ShareQuery) and "escalation-request" in query.condition, query
    _refused(reader, "AHT for Billing East (the Tech Tier 1 team)")


def test_but_in_minutes_is_the_unit(reader: QuestionReader) -> None:
    query = _read(reader, "AHT by queue but in minutes please")
    assert query.metrics == ("average_handle_time",) and query.group_by == ("call__queue",), query
    assert query.scale is not None and query.scale[0] == "minutes", query


def test_a_grouping_misspelt_after_broken_down_by_is_corrected(answerer: Any) -> None:
    answer = answerer.answer("calls broken down by prodcut")
    assert not answer.refused and "read as “calls broken down by product”" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        ("what teams are there and how many agents are in each one?", ("distinct_agents",), ("call__team",)),
        ("what queues do we have and how many calls came in on each one?", ("calls",), ("call__queue",)),
    ],
)
def test_what_kinds_there_are_and_a_figure_for_each_one(
    reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics and query.group_by == group_by, query


def test_a_misspelling_that_leaves_another_reason_than_unread_words_is_corrected(answerer: Any) -> None:
    # "hgihest" unread leaves a ranking with no way: the refusal names no unread word, yet the word is misspelt
    answer = answerer.answer("which queue has the hgihest AHT")
    assert not answer.refused and "read as “which queue has the highest aht”" in answer.text.lower(), (
        answer.text
    )
    assert answerer.answer("calls from the moon").refused


@pytest.mark.parametrize(
    "question",
    [
        "On how many days this quarter was at least one call flagged escalation-request?",
        "how many days in March had at least one call from Billing East",
    ],
)
def test_on_how_many_days_was_there_a_call_is_the_days_with_calls(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("days_with_calls",) and query.period is not None and query.filters, query


def test_is_one_quicker_than_the_other_then_a_figure_for_each_of_the_two(reader: QuestionReader) -> None:
    query = _read(
        reader, "Is Billing East quicker to handle than Tech Tier 1? AHT for each of the two teams."
    )
    assert query.metrics == ("average_handle_time",) and query.group_by == ("call__team",), query
    assert sorted(v for _, v in query.filters) == ["Billing East", "Tech Tier 1"], query


@pytest.mark.parametrize(
    ("question", "score"),
    [
        ("how many 1-star surveys (csat = 1) did the Billing queue get in Q1?", 1.0),
        ("five star ratings by team", 5.0),
    ],
)
def test_star_ratings_are_survey_answers_with_that_score(
    reader: QuestionReader, question: str, score: float
) -> None:
    query = _read(reader, question)
    assert query.metrics == ("surveyed_calls",), query
    assert ("call__csat", ">=", score) in query.conditions and (
        "call__csat",
        "<=",
        score,
    ) in query.conditions, query


def test_hours_in_brackets_and_queued_longer_than(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "overnight (22:00-05:59 UTC) calls in Q1 where the customer queued more than 2 minutes - how many?",
    )
    assert query.metrics == ("calls",), query
    names = {name.split("__")[-1] for name, _, _ in query.conditions}
    assert "hour_of_day" in names and any(n.startswith("queue_wait") for n in names), query


def test_the_service_levels_30_seconds_said_again_aside(reader: QuestionReader) -> None:
    query = _read(reader, "SL per queue for Q1? (the outsourcer contract is written against 30s so use that)")
    assert query.metrics == ("service_level",) and query.group_by == ("call__queue",), query
    _refused(reader, "SL per queue for Q1? (the contract is written against 20s so use that)")


def test_what_the_asker_knows_said_aside_is_left_out(reader: QuestionReader) -> None:
    query = _read(
        reader, "avg QA score per form and per version pls (I know we shouldn't compare across versions)"
    )
    assert query.group_by == ("evaluation__form_title", "evaluation__form_version"), query
    _refused(reader, "AHT by team (I know Billing is odd)")


def test_that_team_is_the_one_team_said_before(reader: QuestionReader) -> None:
    query = _read(reader, "Comparing the Tech Tier 1 cohort: average QA score for each agent on that team?")
    assert ("evaluation__team", "Tech Tier 1") in query.filters or (
        "agent__team",
        "Tech Tier 1",
    ) in query.filters, query
    _refused(reader, "AHT for each agent on that team")  # no team said before


def test_an_aside_restating_the_measure_without_its_participant(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "How do customers feel at the END of their calls, month by month? (avg sentiment in the last quarter of the call)",
    )
    assert query.metrics == ("average_customer_sentiment_q4",) and query.grain == "month", query


def test_the_day_of_a_meeting_said_in_a_heading_is_no_period(reader: QuestionReader) -> None:
    query = _read(reader, "quick one for my Monday huddle: how many calls in February?")
    assert query.metrics == ("calls",) and query.period is not None and query.period.start.month == 2, query
    assert not any("day_of_week" in name for name, _, _ in query.conditions), query


def test_a_heading_of_a_value_and_a_period_is_what_the_request_is_about(reader: QuestionReader) -> None:
    query = _read(reader, "Billing East, last month: calls by agent")
    assert query.filters == (("call__team", "Billing East"),) and query.period is not None, query


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        (
            "first quarter customer sentiment and last quarter customer sentiment by queue",
            ("average_customer_sentiment_q1", "average_customer_sentiment_q4"),
        ),
        (
            "customer sentiment at the start vs the end of calls, by queue, Q1",
            ("average_customer_sentiment_q1", "average_customer_sentiment_q4"),
        ),
    ],
)
def test_the_first_quarter_of_the_call_is_no_calendar_quarter(
    reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    query = _read(reader, question)
    assert query.metrics == metrics and query.group_by == ("call__queue",), query
    assert ("Q1" in question) == (query.period is not None), query


def test_the_highest_qa_score_per_group_is_its_best_single_evaluation(reader: QuestionReader) -> None:
    query = _read(reader, "highest QA score per team")
    assert query.metrics == ("max_qa_score",) and query.group_by == ("evaluation__team",), query
    assert query.limit is None, query
    ranked = _read(reader, "which team has the highest QA score")
    assert ranked.metrics == ("average_qa_score",) and ranked.limit == 1, ranked


def test_a_heading_of_a_value_the_request_names_again_is_left_out(reader: QuestionReader) -> None:
    query = _read(reader, "Billing: AHT for the Billing queue last month")
    assert query.filters == (("call__queue", "Billing"),) and query.period is not None, query


def test_a_period_before_the_data_is_refused(answerer: Any) -> None:
    early = answerer.answer("calls in 2020")
    assert early.refused and "The data starts on" in early.text, early.text
    compared = answerer.answer("calls in Q4 2025 vs Q1 2026")
    assert compared.refused and "Q4 2025" in compared.text, compared.text


# ---------------------------------------------------------------------------------------------- shortened and spelt


@pytest.fixture(scope="module")
def wide_reader() -> QuestionReader:
    """A reader over more values of each kind: teams and queues analysts shorten, a form named after a queue."""
    return QuestionReader(
        SemanticManifest.load(),
        {
            **VALUES,
            "team": [
                "Billing East",
                "Billing West",
                "Tech Tier 1",
                "Tech Tier 2",
                "Customer Care",
                "Outbound Sales",
                "Retention Specialists",
            ],
            "queue": ["Billing", "Technical Support", "General Inquiries", "Sales"],
            "form": ["Technical Support Quality", "Billing Quality"],
            "evaluator": ["qa.jo.smith", "qa.al.wong"],
        },
    )


@pytest.mark.parametrize(
    ("question", "filters"),
    [
        ("how many calls did tech support take in march", (("call__queue", "Technical Support"),)),
        ("AHT for the cust care team last month", (("call__team", "Customer Care"),)),
        ("calls in the gen inquiries queue", (("call__queue", "General Inquiries"),)),
        # a form named after a queue is no shortened queue: the queue said whole is the queue
        (
            "average QA score on the Technical Support queue in February",
            (("evaluation__queue", "Technical Support"),),
        ),
    ],
)
def test_a_queue_or_team_said_with_its_first_word_cut_is_that_value(
    wide_reader: QuestionReader, question: str, filters: tuple[tuple[str, str], ...]
) -> None:
    assert _read(wide_reader, question).filters == filters


def test_a_cut_word_alone_is_no_value_and_leaves_an_aside_commentary(wide_reader: QuestionReader) -> None:
    # "out" cuts Outbound Sales ("out sales"), yet alone it is an everyday word
    query = _read(
        wide_reader, "total after-call work in hours for february pls, trying to cost out wrap time"
    )
    assert query.metrics == ("total_after_call_work_hours",) and not query.filters, query
    share = wide_reader.read(
        "what percentage of all our calls in Q1 were outbound, i.e. we dialled out?", TODAY
    )
    assert isinstance(share.query, ShareQuery) and share.query.condition == "direction = OUTBOUND", share
    assert share.query.numerator.filters == (("call__direction", "OUTBOUND"),), share


def test_a_misspelling_a_vowel_away_from_two_words_is_the_one_with_its_consonants(answerer: Any) -> None:
    # "evaluater" is as close to "evaluated" as to "evaluator"; only a vowel slipped from the latter
    answer = answerer.answer("number of evaluations per evaluater")
    assert not answer.refused and "read as “number of evaluations per evaluator”" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "ASA by queue in March",
        "average speed of answer per queue, March",
        "what was our speed to answer by queue in March",
    ],
)
def test_the_average_speed_of_answer_is_the_inbound_queue_wait(
    wide_reader: QuestionReader, question: str
) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == ("average_queue_wait",) and query.group_by == ("call__queue",), query
    assert ("call__direction", "INBOUND") in query.filters, query


def test_the_speed_of_answer_of_outbound_calls_is_not_read_as_inbound(wide_reader: QuestionReader) -> None:
    _refused(wide_reader, "ASA for outbound calls by queue")


@pytest.mark.parametrize(
    "question",
    [
        "I would be grateful if you could tell me the number of calls in February.",
        "Would you be so kind as to give me the number of calls in February?",
    ],
)
def test_a_courteous_request_is_a_request(wide_reader: QuestionReader, question: str) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == ("calls",) and query.period is not None and query.period.start.month == 2, query


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "grain"),
    [
        ("sum of handle hours per week", ("total_handle_time_hours",), (), "week"),
        ("count of calls by queue x month", ("calls",), ("call__queue",), "month"),
        ("pivot: calls by queue by month", ("calls",), ("call__queue",), "month"),
    ],
)
def test_spreadsheet_wordings(
    wide_reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    grain: str,
) -> None:
    query = _read(wide_reader, question)
    assert (query.metrics, query.group_by, query.grain) == (metrics, group_by, grain), query


def test_across_a_period_is_in_it(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "AHT by team across the first quarter")
    assert query.group_by == ("call__team",) and query.period is not None, query
    assert (query.period.start, query.period.end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 1)), query


def test_section_averages_of_a_form_are_its_section_scores(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "section averages on Technical Support Quality")
    assert query.metrics[0] == "average_section_score", query
    assert ("evaluation__form_title", "Technical Support Quality") in query.filters, query


@pytest.mark.parametrize(
    ("question", "metrics", "agent"),
    [
        (
            "how many times per call does Dana Reyes interrupt the customer?",
            ("average_agent_interruptions",),
            True,
        ),
        (
            "on average how often did Dana Reyes interupt callers in March",
            ("average_agent_interruptions",),
            True,
        ),
        ("the total number of times Dana Reyes interrupted customers", ("total_agent_interruptions",), True),
        ("which 2 agents interrupt customers the most per call?", ("average_agent_interruptions",), False),
    ],
)
def test_how_often_an_agent_interrupts_customers(
    wide_reader: QuestionReader, question: str, metrics: tuple[str, ...], agent: bool
) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == metrics, query
    assert (
        ("call__agent_name", "Dana Reyes") in query.filters
        or ("agent__agent_name", "Dana Reyes") in query.filters
    ) == agent, query
    if not agent:
        assert query.limit == 2 and query.group_by, query


@pytest.mark.parametrize(
    ("question", "metrics", "group_by"),
    [
        ("talk to listen ratio by team", ("average_agent_talk_share",), ("call__team",)),
        ("SL percent by queue", ("service_level",), ("call__queue",)),
        ("evaluations per marker", ("evaluations",), ("evaluation__evaluator",)),
        ("autofail rate by team", ("automatic_fail_rate",), ("evaluation__team",)),
    ],
)
def test_everyday_names_of_measures_and_groupings(
    wide_reader: QuestionReader, question: str, metrics: tuple[str, ...], group_by: tuple[str, ...]
) -> None:
    query = _read(wide_reader, question)
    assert (query.metrics, query.group_by) == (metrics, group_by), query


def test_an_agent_s_evaluations_under_a_percentage_are_a_list_filtered_by_score(answerer: Any) -> None:
    answer = answerer.answer("Dana Reyes's evaluations under 45%, showing the date and score")
    assert not answer.refused, answer.text
    assert len(answer.rows) == 1 and 40.0 in answer.rows[0], answer.rows
    above = answerer.answer("Dana Reyes's evaluations over 50%")
    assert len(above.rows) == 1 and 80.0 in above.rows[0], above.rows


@pytest.mark.parametrize(
    ("question", "metrics", "group_by", "limit"),
    [
        ("svc lvl by q, last mo", ("service_level",), ("call__queue",), None),
        ("top 3 agents by call vol, mar", ("calls",), ("call__agent_name",), 3),
        ("worst q by csat mtd", ("average_csat",), ("call__queue",), 1),
        ("top team by csat in March", ("average_csat",), ("call__team",), 1),
    ],
)
def test_shorthand_typed_from_a_phone(
    wide_reader: QuestionReader,
    question: str,
    metrics: tuple[str, ...],
    group_by: tuple[str, ...],
    limit: int | None,
) -> None:
    query = _read(wide_reader, question)
    assert (query.metrics, query.group_by, query.limit) == (metrics, group_by, limit), query
    assert query.period is not None, query


def test_three_months_each_against_the_next_are_by_month(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "resolution % jan v feb v mar")
    assert query.metrics == ("resolution_rate",) and query.grain == "month", query
    assert query.period is not None and (query.period.start, query.period.end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 1),
    ), query


@pytest.mark.parametrize(
    ("question", "teams"),
    [
        ("billing east v west, csat, q1", ["Billing East", "Billing West"]),
        ("tech tier 1 vs 2 aht in march", ["Tech Tier 1", "Tech Tier 2"]),
    ],
)
def test_a_second_team_said_by_the_word_it_differs_in(
    wide_reader: QuestionReader, question: str, teams: list[str]
) -> None:
    query = _read(wide_reader, question)
    assert sorted(v for _, v in query.filters) == teams, query


def test_a_number_after_vs_that_counts_something_is_no_team(wide_reader: QuestionReader) -> None:
    _refused(wide_reader, "tech tier 1 vs 2 weeks ago")


@pytest.mark.parametrize(
    "question",
    [
        "Dana Reyes is one of mine. What's her AHT in March, in minutes please?",
        "Dana Reyes (on my team): her AHT in March, in minutes",
        "Dana Reyes (one of mine) - AHT in March in minutes",
    ],
)
def test_an_agent_the_asker_manages_is_that_agent(wide_reader: QuestionReader, question: str) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == ("average_handle_time",) and query.filters == (
        ("call__agent_name", "Dana Reyes"),
    ), query
    assert query.scale is not None and query.scale[0] == "minutes", query


def test_how_a_figure_has_looked_is_the_figure(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "Dana Reyes - how has her CSAT looked month by month?")
    assert query.metrics == ("average_csat",) and query.grain == "month", query


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        (
            "who on my team interrupts customers the most per call this qtr? (I run Tech Tier 1)",
            ("average_agent_interruptions",),
        ),
        ("my team's QA scores last month, per person (team = Tech Tier 1)", ("average_qa_score",)),
    ],
)
def test_my_team_named_in_an_aside_after(
    wide_reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == metrics and len(query.group_by) == 1 and "agent_name" in query.group_by[0], query
    assert [v for _, v in query.filters] == ["Tech Tier 1"], query
    _refused(wide_reader, "my team's QA scores last month, per person")  # no team said


def test_per_person_is_per_agent_unless_customers_are_said(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "calls per person in March")
    assert query.group_by == ("call__agent_name",), query
    _refused(wide_reader, "unique customers per person")  # a customer said: whose person is unclear


def test_scores_from_human_evaluators_are_those_of_manual_evaluations(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "Which agent has the lowest average score from human evaluators this quarter?")
    assert query.metrics == ("average_qa_score",) and query.limit == 1, query
    assert ("evaluation__evaluation_source", "MANUAL") in query.filters, query


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("csat distribution mar (how many 1s, 2s, ... 5s)", ("surveyed_calls",)),
        (
            "Total hours customers spent waiting in queue in March, per queue (the sum, not the average)",
            ("total_queue_wait_hours",),
        ),
        ("average hold time per queue in March (the average, not the total)", ("average_hold_time",)),
    ],
)
def test_an_aside_saying_again_what_is_counted_is_left_out(
    wide_reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(wide_reader, question).metrics == metrics
    _refused(
        wide_reader, "hold time per queue in March (the sum, not the average)"
    )  # the aside alone is no total


def test_a_category_said_short_in_a_week_said_with_a_slash(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "cancel-intent calls, wk of 3/23?")
    assert [v for _, v in query.filters] == ["cancellation-intent"], query
    assert query.period is not None and query.period.start == dt.date(2026, 3, 23), query


def test_a_heading_naming_a_view_is_left_out(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "Interval view: inbound volume by hour of day (UTC is fine) for March")
    assert query.metrics == ("calls",) and query.group_by == ("call__hour_of_day",), query


@pytest.mark.parametrize(
    "question",
    ["How many calls in March ended up needing a callback?", "how many calls in March still need a callback"],
)
def test_how_a_call_came_to_need_a_callback_is_the_condition(
    wide_reader: QuestionReader, question: str
) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == ("callback_calls",) and query.period is not None, query


@pytest.mark.parametrize(
    ("question", "group_by"),
    [
        ("how many perfect 100% evaluations has each team produced?", ("evaluation__team",)),
        ("how many perfect scorecards in Q1", ()),
    ],
)
def test_perfect_evaluations_scored_100(
    wide_reader: QuestionReader, question: str, group_by: tuple[str, ...]
) -> None:
    reading = wide_reader.read(question, TODAY)
    assert reading.query is not None, reading
    query = getattr(reading.query, "numerator", reading.query)
    assert query.metrics == ("evaluations",) and query.group_by == group_by, query
    assert list(query.conditions) == [
        ("evaluation__evaluation_score", ">=", 100.0),
        ("evaluation__evaluation_score", "<=", 100.0),
    ], query


def test_what_each_member_produced_is_per_member(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "How many evaluations has each evaluator done in March?")
    assert query.metrics == ("evaluations",) and query.group_by == ("evaluation__evaluator",), query


def test_calls_offered_are_the_inbound_calls(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "How many inbound calls were offered in February, all queues together?")
    assert query.metrics == ("calls",) and query.filters == (("call__direction", "INBOUND"),), query
    assert _read(wide_reader, "calls offered by queue in March").filters == (("call__direction", "INBOUND"),)


def test_calls_rated_on_the_survey_are_those_with_that_csat(answerer: Any) -> None:
    answer = answerer.answer("calls rated 5 on the survey in February. agent + queue pls")
    assert not answer.refused and "CSAT = 5" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Which of my Tech Tier 1 agents had the most calls this quarter?",
        "which of the Tech Tier 1 reps took the most calls this quarter",
    ],
)
def test_which_of_a_team_s_agents_is_the_one_agent_of_that_team(
    wide_reader: QuestionReader, question: str
) -> None:
    query = _read(wide_reader, question)
    assert (
        query.metrics == ("calls",) and query.limit == 1 and query.filters == (("call__team", "Tech Tier 1"),)
    ), query


def test_where_the_customer_s_mood_improves_most_is_ranked_by_the_sentiment_change(
    wide_reader: QuestionReader,
) -> None:
    query = _read(wide_reader, "Top 3 queues where the customer's mood improves the most over the call")
    assert query.metrics == ("average_customer_sentiment_change",) and query.limit == 3, query
    assert query.group_by == ("call__queue",), query
    _refused(wide_reader, "queues where the customer's mood improves the most")  # no ranking said: which way?


def test_a_change_in_sentiment_during_the_call_is_its_change(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "Avg change in customer sentiment during the call, per month.")
    assert query.metrics == ("average_customer_sentiment_change",) and query.grain == "month", query
    aside = _read(
        wide_reader, "Average customer sentiment change during the call (last quarter minus first) per team"
    )
    assert aside.metrics == ("average_customer_sentiment_change",) and aside.group_by == ("call__team",), (
        aside
    )


def test_quartiles_said_again_in_an_aside(answerer: Any) -> None:
    answer = answerer.answer("handle time quartiles (p25 / median / p75) for the Billing queue in Q1")
    assert not answer.refused, answer.text
    assert answer.text.startswith(
        "25th percentile handle time (seconds) and median handle time (seconds) and 75th percentile"
    ), answer.text
    assert "queue = Billing" in answer.text and len(answer.rows[0]) == 3, answer


def test_how_many_days_each_of_my_team_s_agents_took_calls(wide_reader: QuestionReader) -> None:
    query = _read(
        wide_reader, "On how many different days did each of my Billing East agents take calls in March?"
    )
    assert query.metrics == ("days_with_calls",) and query.group_by == ("call__agent_name",), query
    assert query.filters == (("call__team", "Billing East"),), query


@pytest.mark.parametrize(
    "question",
    [
        "weekend AHT for feb? sat + sun only",
        "AHT for weekend calls in February",
        "AHT on Saturdays and Sundays in February",
        "wkend AHT, feb",
        "AHT in February on Saturdays and Sundays, both days lumped together",
        "AHT (Sat + Sun combined) in Feb",
    ],
)
def test_weekend_said_before_what_happens_then(wide_reader: QuestionReader, question: str) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == ("average_handle_time",) and query.period is not None, query
    assert [(op, n) for name, op, n in query.conditions if "day_of_week" in name] == [(">=", 6.0)], query


@pytest.mark.parametrize(
    "question",
    ["calls the last weekend of March by queue", "AHT of the weekend team", "weekend vs weekday AHT"],
)
def test_one_weekend_a_weekend_team_or_two_groups_are_no_weekend_filter(
    wide_reader: QuestionReader, question: str
) -> None:
    _refused(wide_reader, question)


@pytest.mark.parametrize(
    "question",
    [
        "which weekday is the quietest",
        "which weekday has the highest AHT?",
        "busiest weekday for calls this quarter",
    ],
)
def test_a_weekday_asked_for_is_ranked_not_filtered(wide_reader: QuestionReader, question: str) -> None:
    query = _read(wide_reader, question)
    assert query.group_by == ("call__day_of_week",) and query.limit == 1, query
    assert not [name for name, _op, _n in query.conditions if "day_of_week" in name], query


@pytest.mark.parametrize(
    ("question", "hours"),
    [
        ("how many calls did the night shift handle in march? (night = 8pm to 6am)", ("20:00", "05:59")),
        ("night shift AHT by queue in March (night shift = 10pm to 6am)", ("22:00", "05:59")),
    ],
)
def test_a_shift_is_the_hours_its_aside_gives(answerer: Any, question: str, hours: tuple[str, str]) -> None:
    answer = answerer.answer(question)
    assert not answer.refused and f"hour of day {hours[0]}–{hours[1]}" in answer.text, answer.text
    assert answerer.answer("how many calls did the night shift handle in march?").refused  # no hours said


def test_a_period_said_again_in_an_aside_is_that_period(wide_reader: QuestionReader) -> None:
    # TODAY is Tuesday 31 March: last week ran from Monday 23 to Sunday 29 March, last weekend was 28–29 March
    week = _read(wide_reader, "calls by team last week (23-29 March)")
    assert week.period is not None and (week.period.start, week.period.end) == (
        dt.date(2026, 3, 23),
        dt.date(2026, 3, 30),
    ), week
    weekend = _read(
        wide_reader,
        "Which teams were taking calls last weekend (Sat 28 / Sun 29 March), and how many did each take?",
    )
    assert weekend.group_by == ("call__team",) and weekend.metrics == ("calls",), weekend
    assert weekend.period is not None and (weekend.period.start, weekend.period.end) == (
        dt.date(2026, 3, 28),
        dt.date(2026, 3, 30),
    ), weekend
    _refused(wide_reader, "calls by team last week (16-22 March)")  # another week: which one is meant?


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("What was our service level on weekend days in February?", "service_level"),
        ("On how many weekend days did Tech Tier 1 take at least one call in February?", "days_with_calls"),
    ],
)
def test_weekend_days_are_the_days_at_weekends(
    wide_reader: QuestionReader, question: str, metric: str
) -> None:
    query = _read(wide_reader, question)
    assert query.metrics == (metric,), query
    assert [(op, n) for name, op, n in query.conditions if "day_of_week" in name] == [(">=", 6.0)], query


def test_calls_that_involved_a_category_are_the_calls_in_it(wide_reader: QuestionReader) -> None:
    involved = wide_reader.read("What percentage of February calls involved an escalation request?", TODAY)
    had = wide_reader.read("What percentage of February calls had an escalation request?", TODAY)
    assert involved.query is not None and involved.query == had.query, involved


def test_where_to_look_said_first_is_no_request(wide_reader: QuestionReader) -> None:
    looking = _read(
        wide_reader,
        "Looking only at Billing calls this quarter: what's the average customer sentiment by team?",
    )
    assert looking == _read(
        wide_reader, "Billing calls this quarter: what's the average customer sentiment by team?"
    )
    across = _read(wide_reader, "Which hour is the busiest, looking across the whole quarter?")
    assert across.group_by == ("call__hour_of_day",) and across.limit == 1, across


def test_a_period_said_in_sql_names_the_calls_not_the_evaluations(wide_reader: QuestionReader) -> None:
    sql = _read(
        wide_reader,
        "avg(hold_time_seconds) per agent_name where team = 'Billing East' and call_date between '2026-01-01' and "
        "'2026-01-31'",
    )
    assert sql.period is not None and (sql.period.start, sql.period.end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ), sql
    assert sql.filters == (("call__team", "Billing East"),) and sql.group_by == ("call__agent_name",), sql
    dated = _read(
        wide_reader, "avg(score_percent) grouped by evaluation_source, evaluations dated February 2026."
    )
    assert dated.group_by == ("evaluation__evaluation_source",) and dated.period is not None, dated
    # an evaluation's call date is not its date: read as asked, never as the evaluations of the period
    _refused(
        wide_reader, "avg(score_percent) by evaluator where call_date between '2026-01-01' and '2026-01-31'"
    )


def test_the_total_said_again_as_a_sentence_of_its_own(wide_reader: QuestionReader) -> None:
    query = _read(
        wide_reader,
        "Total number of times agents interrupted customers in Q1, by language. The total, not per call.",
    )
    assert query.metrics == ("total_agent_interruptions",) and query.group_by == ("call__language",), query
    _refused(wide_reader, "Average agent interruptions in Q1, by language. The total, not per call.")


def test_the_issues_customers_raise_are_the_detected_issues(wide_reader: QuestionReader) -> None:
    raised = _read(
        wide_reader,
        "What are the top 3 issues Spanish-speaking customers raise with us? Going by the detected customer issues.",
    )
    assert raised == _read(wide_reader, "top 3 issues on Spanish calls"), raised
    assert raised.filters == (("call__language", "es-US"),) and raised.limit == 3, raised
    asked = _read(wide_reader, "what issues do customers raise most often in march? top 5")
    assert asked.group_by == ("call_insight__issue",) and asked.limit == 5, asked


def test_calls_that_got_a_survey_response_are_the_surveyed_calls(wide_reader: QuestionReader) -> None:
    got = _read(wide_reader, "How many calls per team actually got a CSAT survey response in Q1?")
    assert got.metrics == ("surveyed_calls",) and got.group_by == ("call__team",), got
    share = _read(wide_reader, "what share of calls got a survey response in march")
    assert share.metrics == ("survey_response_rate",), share


@pytest.mark.parametrize(
    ("question", "request_"),
    [
        (
            "Do agents talk faster on English or on Spanish calls? Average agent words per minute for each language.",
            "Average agent words per minute for each language.",
        ),
        (
            "Does CSAT dip at the weekend? Give me average CSAT by day of the week, all data.",
            "average CSAT by day of the week, all data",
        ),
    ],
)
def test_a_leading_question_the_request_after_it_answers(
    wide_reader: QuestionReader, question: str, request_: str
) -> None:
    assert _read(wide_reader, question) == _read(wide_reader, request_)


@pytest.mark.parametrize(
    "question",
    [
        "Do agents differ much? Average handle time.",  # a split by agent asked, none given
        "Does CSAT dip at the weekend? Give me average CSAT by team.",  # the weekend neither split nor kept
        "Do agents talk faster on Spanish calls? Average agent words per minute.",  # Spanish calls neither
    ],
)
def test_a_leading_question_the_request_does_not_answer_stays(
    wide_reader: QuestionReader, question: str
) -> None:
    _refused(wide_reader, question)


def test_and_how_often_after_which_is_how_many_each(wide_reader: QuestionReader) -> None:
    often = _read(wide_reader, "which questions get marked N/A, and how often?")
    assert often == _read(wide_reader, "which questions get marked N/A, and how many each?"), often
    assert often.metrics == ("not_applicable_answers",), often


def test_average_calls_by_weekday_are_the_calls_on_an_average_day(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "avg calls by weekday, feb")
    assert query.metrics == ("average_calls_per_day",) and query.group_by == ("call__day_of_week",), query


def test_a_share_said_again_in_an_aside(wide_reader: QuestionReader) -> None:
    aside = wide_reader.read(
        "share of each queue's calls tagged cancellation-intent, Q1 (%, not the count)", TODAY
    )
    plain = wide_reader.read("share of each queue's calls tagged cancellation-intent, Q1", TODAY)
    assert aside.query is not None and aside.query == plain.query, aside
    _refused(wide_reader, "calls tagged cancellation-intent by queue, Q1 (%, not the count)")  # no share said


def test_evaluations_done_by_a_human_or_by_contact_lens_are_manual_or_automated(
    wide_reader: QuestionReader,
) -> None:
    human = wide_reader.read(
        "What share of evals in Feb were done by a human evaluator rather than by Contact Lens?", TODAY
    )
    manual = wide_reader.read("What share of evaluations in Feb were manual?", TODAY)
    assert human.query is not None and human.query == manual.query, human
    lens = _read(wide_reader, "how many evaluations were done by Contact Lens in March?")
    assert lens.filters == (("evaluation__evaluation_source", "AUTOMATED"),), lens


def test_a_share_split_by_the_kind_of_its_own_condition_is_refused(wide_reader: QuestionReader) -> None:
    # every evaluation source's share of manual evaluations is 0% or 100%: never an answer
    reading = _refused(wide_reader, "share of evaluations from the manual evaluation source in feb")
    assert "0% or 100%" in reading.reason, reading


def test_a_short_name_spelt_out_in_an_aside_is_what_it_spells(wide_reader: QuestionReader) -> None:
    spelt = _read(wide_reader, "AHT for TS (Technical Support) in March, all calls so far")
    assert spelt.filters == (("call__queue", "Technical Support"),), spelt
    _refused(wide_reader, "AHT for TS (Billing) in March")  # not its initials: which is meant?


def test_a_short_word_ending_in_s_is_no_plural_of_a_word_read(wide_reader: QuestionReader) -> None:
    # "TS" is never "t" twice: an unknown name, refused, never the AHT of every call
    _refused(wide_reader, "AHT for TS in March")
    _refused(wide_reader, "AHT for CS in March")


def test_calls_grouped_by_call_date_are_the_calls_per_day(wide_reader: QuestionReader) -> None:
    query = _read(
        wide_reader, "count(*) from calls grouped by call_date, for 2026-03-09 through 2026-03-15 inclusive"
    )
    assert query.metrics == ("calls",) and query.grain == "day", query
    # evaluations are dated when scored, not by their call's date
    _refused(wide_reader, "count of evaluations grouped by call_date in March")


def test_a_list_of_calls_started_within_some_hours(answerer: Any) -> None:
    # every call of the test data starts at 09:30
    answer = answerer.answer(
        "List the calls that started between 9am and 10am — agent, queue and handle time."
    )
    assert not answer.refused and "hour of day 09:00–09:59 (UTC)" in answer.text, answer.text
    assert len(answer.rows) == 5 and all(str(row[1])[11:13] == "09" for row in answer.rows), answer.rows
    later = answerer.answer(
        "List the calls that started between 10am and noon — agent, queue and handle time."
    )
    assert not later.refused and "hour of day 10:00–11:59 (UTC)" in later.text and not later.rows, later
    night = answerer.answer("list the calls that started between 10pm and 6am")
    assert not night.refused and "across midnight" in night.text and not night.rows, night.text
    assert answerer.answer("list the calls that started at half past 10pm").refused


def test_a_time_named_after_its_minutes_is_the_one_compared(wide_reader: QuestionReader) -> None:
    from lambdas.shared.answering.call_lists import ListReader

    reading = ListReader(wide_reader).read(
        "Dana Reyes's calls in March that ran over 20 minutes of handle time — when they were and how long, in minutes",
        TODAY,
    )
    assert reading.query is not None, reading
    assert [(v.name, op, n) for v, op, n in reading.query.conditions] == [("handle_time_minutes", ">", 20.0)]
    bare = ListReader(wide_reader).read("Dana Reyes's calls in March that ran over 20 minutes", TODAY)
    assert bare.query is not None and [v.name for v, _, _ in bare.query.conditions] == ["duration_minutes"]
    # "how long" of calls listed by their hold: which length is meant is not said
    held = ListReader(wide_reader).read(
        "Dana Reyes's calls in March with more than 2 minutes of hold — how long were they", TODAY
    )
    assert held.query is None, held


def test_the_scores_an_evaluator_gave_are_their_evaluations_scores(wide_reader: QuestionReader) -> None:
    by = _read(wide_reader, "std dev of QA scores by qa.jo.smith in March")
    assert by.filters == (("evaluation__evaluator", "qa.jo.smith"),), by
    assert _read(wide_reader, "std dev of the scores qa.jo.smith gave in March") == by
    assert _read(wide_reader, "qa.jo.smith: std dev of the scores she gave in March") == by
    _refused(wide_reader, "std dev of the scores she gave in March")  # whose?


def test_which_evaluations_an_evaluator_scored_below_a_score_are_listed(answerer: Any) -> None:
    from lambdas.shared.answering.semantic import _said_plainly

    said = _said_plainly(
        "Which evaluations did qa.farah.khan score below 60 in March? I need the agent, the form and the score for each."
    )
    assert (
        said
        == "list qa.farah.khan's evaluations scoring below 60 in March? with the agent, the form and the score"
    )


def test_a_sentiment_change_defined_again_in_an_aside(wide_reader: QuestionReader) -> None:
    aside = _read(
        wide_reader, "Average customer sentiment change per call (end of call minus start), by team, Q1"
    )
    assert aside == _read(wide_reader, "Average customer sentiment change per call, by team, Q1"), aside
    assert aside.metrics == ("average_customer_sentiment_change",), aside


def test_the_whole_of_a_share_or_rate_said_again(wide_reader: QuestionReader) -> None:
    share = wide_reader.read(
        "What share of the Billing queue's calls (all of its calls) were flagged escalation-request?", TODAY
    )
    plain = wide_reader.read(
        "What share of the Billing queue's calls were flagged escalation-request?", TODAY
    )
    assert share.query is not None and share.query == plain.query, share
    rate = _read(wide_reader, "auto-fail rate per evaluator, as a % of each evaluator's evaluations")
    assert rate == _read(wide_reader, "auto-fail rate per evaluator"), rate


@pytest.mark.parametrize(
    ("question", "plainly"),
    [
        (
            "list the evaluations qa.jo.smith marked as automatic fail — evaluation id, agent name and evaluation date",
            "list the evaluations qa.jo.smith auto-failed — evaluation id, agent name and evaluation date",
        ),
        (
            "which queue has the most calls with cancellation-intent?",
            "which queue has the most cancellation-intent calls?",
        ),
        (
            "Which teams end up handling the Billing calls? Count per team.",
            "Which teams handle the Billing calls? Count per team.",
        ),
        ("which evaluator hands out the most auto fails", "which evaluator has the most auto fails"),
        (
            "How many automated evaluations ended in an automatic fail?",
            "How many automated evaluations auto-failed?",
        ),
        (
            "Dana Reyes's calls with a 1 on the survey — call date and queue",
            "Dana Reyes's calls with a csat of 1 — call date and queue",
        ),
        (
            "calls per team, billing teams only (Billing East and Billing West)",
            "calls per team, Billing East and Billing West",
        ),
    ],
)
def test_wordings_said_plainly_read_as_their_plain_form(
    wide_reader: QuestionReader, question: str, plainly: str
) -> None:
    from lambdas.shared.answering.call_lists import ListReader
    from lambdas.shared.answering.evaluation_lists import EvaluationListReader
    from lambdas.shared.answering.semantic import _said_plainly

    assert " ".join(_said_plainly(question).split()) == plainly
    readings = [
        wide_reader.read(plainly, TODAY).query,
        ListReader(wide_reader).read(plainly, TODAY).query,
        EvaluationListReader(wide_reader).read(plainly, TODAY).query,
    ]
    assert any(r is not None for r in readings), plainly


def test_a_list_column_named_as_analysts_call_the_agent(wide_reader: QuestionReader) -> None:
    from lambdas.shared.answering.call_lists import ListReader

    rep = ListReader(wide_reader).read(
        "show me the 5 longest calls by handle time: call id, rep, date and handle time", TODAY
    )
    assert rep.query is not None and rep.query.limit == 5, rep


def test_the_lowest_single_score_each_agent_got_is_their_minimum(wide_reader: QuestionReader) -> None:
    query = _read(wide_reader, "Lowest single QA score each of my Tech Tier 1 agents got this quarter?")
    assert query.metrics == ("min_qa_score",) and query.group_by == ("agent__agent_name",), query
    assert _read(wide_reader, "highest single QA score per team in March").metrics == ("max_qa_score",)


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        # the direction ASA is of, said again
        ("ASA for inbound last week", "ASA last week"),
        ("ASA per queue, Q1, inbound only", "ASA per queue, Q1"),
        # a weekday said with its own date
        ("How many calls did we get on Monday 9 March 2026?", "How many calls did we get on 9 March 2026?"),
        ("AHT on Sunday the 29th of March", "AHT on 29 March"),
        # courtesies and where the answer goes
        (
            "How many evals did each of the human evaluators submit in March? thx",
            "How many evals did each of the human evaluators submit in March?",
        ),
        ("March CSAT please, just the headline number for slide 4.", "March CSAT"),
        # the days a week runs over here
        ("Daily calls for the week of 16 March (Mon–Sun).", "Daily calls for the week of 16 March"),
        (
            "Manual vs automated evaluation counts, month by month",
            "Manual vs automated evaluations, month by month",
        ),
        ("call counts by queue in March", "calls by queue in March"),
        (
            "Section scores on Technical Support Quality, averaged over everything submitted.",
            "Section scores on Technical Support Quality",
        ),
        (
            "Who has been scoring Technical Support Quality, and how many evaluations each?",
            "evaluations per evaluator on Technical Support Quality",
        ),
        ("What was the average score qa.jo.smith gave last month?", "qa.jo.smith average score last month"),
        (
            "How many evaluations did Contact Lens score on the Technical Support Quality form?",
            "How many evaluations did Contact Lens submit on the Technical Support Quality form?",
        ),
        # a time in a unit per call is its average
        (
            "Handle minutes per call for each team in Q1 — per call, not the total.",
            "AHT in minutes for each team in Q1",
        ),
        ("average hold minutes per queue", "average hold time in minutes per queue"),
        (
            "Action items per Billing call, month by month? (per call, not how many in total)",
            "action items per call for Billing calls, month by month",
        ),
        # an adjective of the metric said before the values of its calls
        ("Number of unresolved Billing calls per team", "Number of Billing calls not resolved per team"),
        # a time said with its kind and "time"
        (
            "how many calls in March had more than 2 minutes of hold time",
            "how many calls in March had more than 2 minutes of hold",
        ),
    ],
)
def test_wordings_read_as_their_plain_equivalent(
    wide_reader: QuestionReader, question: str, plain: str
) -> None:
    expected = wide_reader.read(plain, TODAY).query
    assert expected is not None, plain
    assert wide_reader.read(question, TODAY).query == expected, question


@pytest.mark.parametrize(
    "question",
    [
        "How many calls did we get on Tuesday 9 March 2026?",  # 9 March 2026 is a Monday
        "total handle minutes per call, not the total",  # contradicts itself
        "ASA inbound vs outbound",  # outbound calls do not queue
        "unresolved or escalated Billing calls",  # two conditions joined: not read as one
        "Daily calls for the week of 16 March (Sun–Sat).",  # weeks here run Monday to Sunday
    ],
)
def test_near_wordings_that_change_the_answer_stay_refused(
    wide_reader: QuestionReader, question: str
) -> None:
    _refused(wide_reader, question)


def test_a_list_of_calls_shows_the_wait_asked_for(wide_reader: QuestionReader) -> None:
    from lambdas.shared.answering.call_lists import ListReader

    lists = ListReader(wide_reader)
    said = lists.read(
        "Any calls that waited over 10 minutes in queue this quarter? Give me call id, queue and the wait.",
        TODAY,
    ).query
    plain = lists.read(
        "Any calls that waited over 10 minutes in queue this quarter? Give me call id, queue and queue wait.",
        TODAY,
    ).query
    assert said is not None and said == plain


@pytest.fixture(scope="module")
def sales_reader() -> QuestionReader:
    """Teams named with the words of a direction ("Sales Inbound", "Outbound Sales")."""
    return QuestionReader(
        SemanticManifest.load(),
        {
            **VALUES,
            "team": ["Sales Inbound", "Outbound Sales", "Billing East"],
            "queue": ["Sales", "Billing"],
        },
    )


def test_teams_named_with_direction_words_are_the_teams(sales_reader: QuestionReader) -> None:
    for question in (
        "Sales Inbound vs Outbound Sales — avg QA score each, this quarter?",
        "Sales Inbound vs Outbound Sales AHT",
    ):
        query = _read(sales_reader, question)
        assert query.group_by in (("evaluation__team",), ("call__team",)), (question, query)
        assert {value for _, value in query.filters} == {"Sales Inbound", "Outbound Sales"}, query
    # the directions themselves still split by direction
    assert _read(sales_reader, "AHT inbound vs outbound").group_by == ("call__direction",)


def test_two_values_joined_without_compared_or_combined_are_refused(sales_reader: QuestionReader) -> None:
    # once read as the team Outbound Sales with the queue Sales and inbound calls: an empty, wrong answer
    refused = _refused(sales_reader, "AHT for Sales Inbound and Outbound Sales")
    assert "Sales Inbound" in refused.reason and "Outbound Sales" in refused.reason, refused
    combined = _read(sales_reader, "AHT for Sales Inbound and Outbound Sales combined")
    assert {value for _, value in combined.filters} == {"Sales Inbound", "Outbound Sales"}, combined


@pytest.mark.parametrize(
    ("question", "metric", "group_by"),
    [
        ("Longest weekend queue wait per queue this quarter", "max_queue_wait", ("call__queue",)),
        (
            "Longest weekend queue wait per queue this quarter — the worst single wait, not the average.",
            "max_queue_wait",
            ("call__queue",),
        ),
        ("longest inbound hold per team in March", "max_hold_time", ("call__team",)),
    ],
)
def test_the_longest_time_per_group_with_a_condition_between_is_each_groups_maximum(
    reader: QuestionReader, question: str, metric: str, group_by: tuple[str, ...]
) -> None:
    # once read as the queue with the highest average weekend wait: one row, another measure
    query = _read(reader, question)
    assert (query.metrics, query.group_by, query.limit) == ((metric,), group_by, None), query


@pytest.mark.parametrize(
    ("question", "group_by", "days"),
    [
        ("share of calls at weekends per queue in Q1", ("call__queue",), ((">=", 6.0),)),
        ("what % of each queue's calls were at the weekend in Q1", ("call__queue",), ((">=", 6.0),)),
        ("What % of calls in March were on Saturdays?", (), ((">=", 6.0), ("<=", 6.0))),
    ],
)
def test_a_share_of_calls_on_some_days_takes_the_days_as_its_condition(
    reader: QuestionReader, question: str, group_by: tuple[str, ...], days: tuple[tuple[str, float], ...]
) -> None:
    # once the days were dropped: the split of all calls across the queues, a wrong answer
    query = reader.read(question, TODAY).query
    assert isinstance(query, ShareQuery), query
    assert query.numerator.group_by == group_by == query.denominator.group_by, query
    assert (
        tuple((op, n) for name, op, n in query.numerator.conditions if name.endswith("day_of_week")) == days
    )
    assert not query.denominator.conditions, query


def test_a_share_on_some_days_with_another_condition_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "share of weekend calls flagged escalation-request")
    _refused(reader, "what % of Billing East's weekend calls were outbound")


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        (
            "I run Billing West. What was our AHT last month?",
            "What was the Billing West team's AHT last month?",
        ),
        (
            "QA scores for my team on Technical Support Quality, per agent — Billing West, all time.",
            "QA scores for the Billing West team on Technical Support Quality, per agent, all time.",
        ),
        (
            "How has my team's CSAT moved month to month this quarter? (Billing West)",
            "Billing West CSAT month by month this quarter",
        ),
        (
            "How does Billing West's CSAT compare with Billing East's this quarter?",
            "CSAT Billing West vs Billing East this quarter",
        ),
        ("weekend ASA by queue in march (inbound)", "weekend ASA by queue in march"),
        ("What was ASA last week? Inbound obviously.", "What was ASA last week?"),
        (
            "Which agent has the most auto-failed Technical Support Quality evaluations, all time?",
            "Which agent has the most auto-failed evaluations on Technical Support Quality, all time?",
        ),
        ("Top 3 teams by weekend calls last month?", "Top 3 teams by calls at weekends last month?"),
        ("CSAT by queue for Q1 — one bar per queue on the slide.", "CSAT by queue for Q1"),
        (
            "How many calls did we take on Sundays in March, all Sundays together?",
            "calls on Sundays in March",
        ),
        (
            "Who has been doing the Technical Support Quality evaluations this quarter, and how many each? Include "
            "Contact Lens.",
            "evaluations per evaluator on Technical Support Quality this quarter",
        ),
        (
            "Lowest single Technical Support Quality score each evaluator has given (Contact Lens included)",
            "minimum Technical Support Quality score per evaluator",
        ),
        (
            "Billing West QA score by week in March (by evaluation date, weeks starting Monday).",
            "Billing West QA score by week in March",
        ),
        (
            "how many distinct customers did we talk to in february (inbound or outbound)?",
            "how many distinct customers in february?",
        ),
        (
            "How many calls are there per language? Just the whole table.",
            "How many calls are there per language?",
        ),
        (
            "First week here, just sanity-checking the basics: how many calls in March?",
            "how many calls in March?",
        ),
    ],
)
def test_more_wordings_read_as_their_plain_equivalent(
    wide_reader: QuestionReader, question: str, plain: str
) -> None:
    expected = wide_reader.read(plain, TODAY).query
    assert expected is not None, plain
    assert wide_reader.read(question, TODAY).query == expected, question


def test_saturday_against_sunday_is_one_row_per_weekend_day(reader: QuestionReader) -> None:
    query = _read(reader, "saturday vs sunday AHT this qtr")
    assert query.group_by == ("call__day_of_week",), query
    assert tuple((op, n) for name, op, n in query.conditions if name.endswith("day_of_week")) == (
        (">=", 6.0),
    )
    # both days together stay one figure
    assert _read(reader, "AHT Saturdays and Sundays in March").group_by == ()


@pytest.mark.parametrize(
    "question",
    [
        "I run Billing West. What was AHT last month?",  # the team's or everyone's: not said
        "How has Billing West's CSAT changed this quarter?",  # a change, no series asked
        "CSAT by queue — one bar per team on the slide",  # another grouping than the one asked
        "Billing West QA score by week in March (by call date)",  # evaluations are dated when scored
        "evaluations per evaluator, human only — include Contact Lens",  # contradicts itself
    ],
)
def test_near_wordings_of_those_stay_refused(wide_reader: QuestionReader, question: str) -> None:
    _refused(wide_reader, question)


def test_a_row_per_pair_of_groupings_and_the_contact_lens_bot_stay_read(wide_reader: QuestionReader) -> None:
    pairs = _read(wide_reader, "AHT by team and direction for Q1 — one row per team/direction pair.")
    assert pairs.group_by == ("call__team", "call__direction"), pairs
    bot = _read(wide_reader, "# of evals each evaluator submitted in March (include the contact lens bot)")
    assert bot.group_by == ("evaluation__evaluator",) and not bot.filters, bot


# ---------------------------------------------------------------------------------------------- lists of values, defined words

LISTED = {
    **VALUES,
    "agent": ["Dana Reyes", "Ana Li", "Bo Chen", "Cy Park"],
    "team": [*VALUES["team"], "Care"],
}


@pytest.fixture(scope="module")
def listing_reader() -> QuestionReader:
    return QuestionReader(SemanticManifest.load(), LISTED)


def _values_of(query: MetricQuery, dimension: str) -> list[str]:
    return [value for name, value in query.filters if name.endswith(f"__{dimension}")]


@pytest.mark.parametrize(
    "question",
    [
        "CSAT for each of Dana Reyes, Ana Li and Bo Chen this quarter",
        "CSAT for Dana Reyes, Ana Li and Bo Chen this quarter, per agent",
        "What's the CSAT for Dana Reyes, Ana Li, Bo Chen — each of them — this quarter?",
        "My coaching group is Dana Reyes, Ana Li and Bo Chen. What's the CSAT for each of them this quarter?",
        "how many calls did each of my 3 coachees take this quarter? (Dana Reyes, Ana Li, Bo Chen)",
    ],
)
def test_three_or_more_values_listed_are_one_row_each(listing_reader: QuestionReader, question: str) -> None:
    query = _read(listing_reader, question)
    assert sorted(_values_of(query, "agent_name")) == ["Ana Li", "Bo Chen", "Dana Reyes"]
    assert any(g.endswith("agent_name") for g in query.group_by), query


def test_a_list_read_from_its_last_value_keeps_every_value(listing_reader: QuestionReader) -> None:
    query = _read(listing_reader, "calls per month for Billing East, Tech Tier 1 and Care")
    assert sorted(_values_of(query, "team")) == ["Billing East", "Care", "Tech Tier 1"]
    assert query.grain == "month" and any(g.endswith("team") for g in query.group_by)


def test_a_list_pooled_is_one_figure(listing_reader: QuestionReader) -> None:
    query = _read(listing_reader, "CSAT for Dana Reyes, Ana Li and Bo Chen combined this quarter")
    assert len(_values_of(query, "agent_name")) == 3 and not query.group_by


def test_a_ranking_within_a_list_ranks_its_values(listing_reader: QuestionReader) -> None:
    query = _read(
        listing_reader,
        "Of my three (Dana Reyes, Ana Li, Bo Chen, ), who had the lowest average QA score last month?",
    )
    assert sorted(_values_of(query, "agent_name")) == ["Ana Li", "Bo Chen", "Dana Reyes"]
    assert (query.limit, query.order_by) == (1, "average_qa_score")


@pytest.mark.parametrize(
    "question",
    [
        # neither one row each nor pooled
        "CSAT for Dana Reyes, Ana Li and Bo Chen this quarter",
        # a count that is not the list's
        "Of my five (Dana Reyes, Ana Li, Bo Chen), who had the lowest average QA score last month?",
    ],
)
def test_a_list_that_says_neither_how_nor_how_many_is_refused(
    listing_reader: QuestionReader, question: str
) -> None:
    _refused(listing_reader, question)


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        (
            "What's our save rate on the Billing queue this quarter? By 'saved' I mean the call summary says the "
            "issue was resolved.",
            "resolution_rate",
        ),
        ("Save rate per team (saved = the summary says resolved)", "resolution_rate"),
        (
            "How many calls were saved (resolved per the summary) per team? The number of calls, not the rate.",
            "resolved_calls",
        ),
        (
            "What was Dana Reyes's average talk share (the agent's % of the talk time) in March?",
            "average_agent_talk_share",
        ),
        ("how many times in total did Dana Reyes interrupt customers in feb?", "total_agent_interruptions"),
        (
            "Total number of action items on Billing queue calls in February — the total, not per call.",
            "insights",
        ),
        (
            "Average number of categories matched per call — inbound vs outbound",
            "average_categories_per_call",
        ),
        (
            "Which category goes with the most negative customer sentiment on average?",
            "categorised_average_customer_sentiment",
        ),
        (
            "Average connected duration of an outbound call, all teams, in minutes (connected time only, not handle time)",
            "average_call_duration",
        ),
    ],
)
def test_wordings_a_question_defines_or_says_plainly(
    listing_reader: QuestionReader, question: str, metric: str
) -> None:
    assert _read(listing_reader, question).metrics == (metric,)


@pytest.mark.parametrize(
    "question",
    [
        "save rate per team",  # a save is the desk's own word: read only as the question defines it
        "customer talk share this quarter",  # only the agent's share is a metric
        "customer talk ratio by team",
        "the caller's talk time share",
    ],
)
def test_a_save_undefined_and_the_customers_talk_share_are_refused(
    listing_reader: QuestionReader, question: str
) -> None:
    _refused(listing_reader, question)


@pytest.mark.parametrize(
    "question",
    [
        "CSAT score breakdown (1–5) for Billing East calls this quarter",
        "Distribution of CSAT scores on Spanish calls, all time — how many 1s, 2s, … 5s?",
        "Billing queue calls in March: count of each CSAT score.",
    ],
)
def test_a_csat_breakdown_is_the_calls_at_each_score(listing_reader: QuestionReader, question: str) -> None:
    query = _read(listing_reader, question)
    assert query.group_by == ("call__survey_score",), query


@pytest.mark.parametrize(
    ("question", "dimension", "value"),
    [
        ("How many different agents handled at least one Spanish call in March?", "language", "es-US"),
        ("Spanish-language CSAT for March, please. Gracias!", "language", "es-US"),
        ("Hola — calls this quarter in Spanish?", "language", "es-US"),
        ("calls per product for my Billing East reps this quarter", "team", "Billing East"),
        (
            "Billing East this quarter, but only the evaluations a person did (leave out Contact Lens) — average score?",
            "evaluation_source",
            "MANUAL",
        ),
        (
            "What are the top 3 topics on Spanish-language calls? Ignore calls without a summary.",
            "language",
            "es-US",
        ),
    ],
)
def test_courtesies_and_asides_leave_the_request(
    listing_reader: QuestionReader, question: str, dimension: str, value: str
) -> None:
    assert _values_of(_read(listing_reader, question), dimension) == [value]


def test_a_teammate_named_is_the_second_agent(listing_reader: QuestionReader) -> None:
    query = _read(listing_reader, "Dana Reyes vs her teammate Ana Li — AHT in March?")
    assert sorted(_values_of(query, "agent_name")) == ["Ana Li", "Dana Reyes"]


def test_weeks_listed_by_their_mondays_are_the_days_they_span() -> None:
    from lambdas.shared.answering.semantic import _weeks_listed

    today = dt.date(2026, 3, 31)
    assert _weeks_listed("AHT week by week, for the weeks starting 2, 9, 16 and 23 March.", today) == (
        "AHT week by week from 2026-03-02 to 2026-03-29."
    )
    assert _weeks_listed("calls per week in March (weeks starting Mon 2, 9, 16, 23 March)", today) == (
        "calls per week from 2026-03-02 to 2026-03-29"
    )
    # no grain said: the weeks listed are one row each
    assert _weeks_listed("AHT for the weeks of 2, 9 and 16 March", today) == (
        "AHT per week from 2026-03-02 to 2026-03-22"
    )
    # weeks that start on another day than Monday, or days not a week apart, are no weeks here
    for question in ("AHT for the weeks of 3, 10 and 17 March", "AHT for the weeks of 2, 16 and 23 March"):
        assert _weeks_listed(question, today) == question


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        (
            "average sentiment of agents and customers this quarter",
            ("average_agent_sentiment", "average_customer_sentiment"),
        ),
        (
            "agents and customers: average sentiment this quarter",
            ("average_agent_sentiment", "average_customer_sentiment"),
        ),
        (
            "agent vs customer talk speed last month",
            ("average_agent_talk_speed", "average_customer_talk_speed"),
        ),
        (
            "Who talks faster on our calls, agents or customers? Average words per minute for each, this quarter.",
            ("average_agent_talk_speed", "average_customer_talk_speed"),
        ),
    ],
)
def test_both_participants_named_are_each_sides_measure(
    listing_reader: QuestionReader, question: str, metrics: tuple[str, ...]
) -> None:
    assert _read(listing_reader, question).metrics == metrics


def test_one_participants_measure_is_refused_when_both_are_named(answerer: Any) -> None:
    refused = answerer.answer("agent sentiment per team, agents vs customers")
    assert refused.refused and "both agents and customers" in refused.text
    # counts of each are no measure of one side
    assert not answerer.answer("how many agents and customers were there last month").refused


def test_each_of_a_teams_members_is_its_agents(listing_reader: QuestionReader) -> None:
    question = listing_reader.owned("CSAT for each of my Billing East agents this quarter?")
    query = _read(listing_reader, question)
    assert _values_of(query, "team") == ["Billing East"] and query.group_by == ("call__agent_name",)
    ranked = _read(
        listing_reader, listing_reader.owned("Which of the Billing East agents had the lowest CSAT?")
    )
    assert ranked.limit == 1 and ranked.group_by == ("call__agent_name",)


@pytest.mark.parametrize(
    "question",
    [
        "which action items were detected on Billing queue calls and how many times each?",
        "On Billing queue calls, which action items did Call Analytics detect and how many times each?",
    ],
)
def test_how_many_times_each_insight_was_detected_counts_detections(
    listing_reader: QuestionReader, question: str
) -> None:
    query = _read(listing_reader, question)
    assert query.metrics == ("insights",), query  # a call may hold one item twice: never the calls


def test_a_value_said_again_with_its_kind_is_read_once(listing_reader: QuestionReader) -> None:
    query = _read(listing_reader, "Spanish calls (language 'es-US') — January vs March, how many?")
    assert _values_of(query, "language") == ["es-US"] and query.versus is not None


@pytest.mark.parametrize(
    "question",
    [
        "Average customer sentiment change per call, month by month for Jan, Feb and Mar.",
        "avg agent sentiment change over the call per month, January to March",
    ],
)
def test_a_calls_own_sentiment_change_is_the_metric_not_a_change_between_months(
    listing_reader: QuestionReader, question: str
) -> None:
    query = _read(listing_reader, question)
    assert query.metrics[0].endswith("_sentiment_change") and query.grain == "month"
    assert query.versus is None and not query.difference
    assert query.period is not None and (query.period.start, query.period.end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 1),
    )


def test_a_sentiment_change_between_two_months_said_either_way_is_refused(
    listing_reader: QuestionReader,
) -> None:
    _refused(listing_reader, "average customer sentiment change from January to March")
    # said as a change of the average between the months, it is that change
    assert _read(listing_reader, "how did average customer sentiment change from January to March").difference


@pytest.mark.parametrize(
    "question",
    [
        "VoC: list the Retention-queue calls flagged escalation-request in the past 14 days, with the agent and the "
        "customer sentiment",
        "Which calls yesterday had negative customer sentiment? Show the call id, the agent and the customer's "
        "sentiment score.",
        "average sentiment of the agent and the customer on Billing calls",  # one of each, not set against each other
    ],
)
def test_the_agent_and_the_customer_named_as_columns_stay_as_said(question: str) -> None:
    from lambdas.shared.answering.semantic import _said_plainly

    assert "average agent" not in _said_plainly(question).lower()


@pytest.fixture(scope="module")
def care_reader() -> QuestionReader:
    return QuestionReader(SemanticManifest.load(), {**VALUES, "team": [*VALUES["team"], "Customer Care"]})


@pytest.mark.parametrize(
    "question",
    [
        "What's Customer Care AHT this quarter?",
        "What's Customer Care's average handle time this quarter?",
        "what Customer Care AHT this quarter",
    ],
)
def test_a_team_named_after_what_is_the_team_not_which_customer(
    care_reader: QuestionReader, question: str
) -> None:
    query = _read(care_reader, question)
    assert _values_of(query, "team") == ["Customer Care"] and not query.group_by, query


@pytest.mark.parametrize(
    "question",
    [
        "what's the average handle time across the contact centre this quarter",
        "Hi, I'm the HR business partner for the contact centre. What's the average handle time this quarter?",
        "AHT in the call center this quarter",
    ],
)
def test_the_contact_centre_named_is_everyone(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.metrics == ("average_handle_time",) and not query.filters and not query.group_by, query


def test_a_contact_centre_named_with_contact_lens_keeps_the_evaluator(reader: QuestionReader) -> None:
    # "contact" of the centre is no evaluator; Contact Lens said is
    query = _read(reader, "evaluations by Contact Lens across the contact centre this quarter")
    assert query.filters, query


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        ("how many evaluations scored a perfect 100 on each form? versions together, all time", "form_title"),
        ("Count of unresolved calls per queue in February — the number of calls, not the rate.", "queue"),
        ("how many unresolved calls per queue in February (the number of calls, not the rate)", "queue"),
        ("How many hours in total did customers sit waiting in queue, per queue, Q1?", "queue"),
        ("Which hour of the day brings in the most inbound calls? No date filter.", "hour_of_day"),
    ],
)
def test_wordings_said_around_a_request_leave_it(reader: QuestionReader, question: str, rows: str) -> None:
    query = _read(reader, question)
    assert [g.split("__")[-1] for g in query.group_by] == [rows], query


def test_weakest_is_the_lowest(reader: QuestionReader) -> None:
    query = _read(reader, "Which team has the weakest average QA score this quarter?")
    assert query.limit == 1 and query.order_by == "average_qa_score", query
    query = _read(reader, "Which team has the strongest average QA score this quarter?")
    assert query.limit == 1 and query.order_by == "-average_qa_score", query


def test_calls_that_arrived_in_hours_are_counted(reader: QuestionReader) -> None:
    query = _read(reader, "How many inbound calls arrived before 8am (UTC) this quarter?")
    assert query.metrics == ("calls",) and query.conditions, query


@pytest.mark.parametrize(
    ("question", "metric", "op", "number"),
    [
        (
            "List the agents whose average after-call work was over 90 seconds in February, with their average.",
            "average_after_call_work",
            ">",
            90.0,
        ),
        (
            "List the agents with an average after-call work over 90 seconds in February",
            "average_after_call_work",
            ">",
            90.0,
        ),
        (
            "Which agents averaged under 70% on QA in March? Show me their average so I can prioritise.",
            "average_qa_score",
            "<",
            70.0,
        ),
        ("which teams averaged above 3 on CSAT last month", "average_csat", ">", 3.0),
    ],
)
def test_a_bound_on_an_average_is_on_each_groups_average(
    reader: QuestionReader, question: str, metric: str, op: str, number: float
) -> None:
    query = _read(reader, question)
    assert query.having == ((metric, op, number),) and not query.conditions, query


def test_a_bound_on_one_calls_named_time_is_still_refused(reader: QuestionReader) -> None:
    _refused(reader, "calls with talk time more than 5 minutes in March")


def test_the_other_direction_left_out_after_one_only_is_said_again(care_reader: QuestionReader) -> None:
    query = _read(
        care_reader,
        "Customer Care AHT in minutes for February — inbound calls only, leave out the outbound calls they made.",
    )
    assert _values_of(query, "direction") == ["INBOUND"] and _values_of(query, "team") == ["Customer Care"], (
        query
    )
    # the same direction "left out" contradicts the request: never read as it
    _refused(care_reader, "AHT in February, outbound only, leave out the outbound calls")


@pytest.mark.parametrize(
    ("question", "grain"),
    [
        ("Which week this quarter (Monday start) had the most escalation-request calls?", "week"),
        ("calls per week (weeks starting Monday) in March", "week"),
    ],
)
def test_monday_start_weeks_said_aloud_are_the_weeks(
    reader: QuestionReader, question: str, grain: str
) -> None:
    assert _read(reader, question).grain == grain


def test_a_worst_case_heading_before_a_maximum_is_said_again(reader: QuestionReader) -> None:
    query = _read(reader, "Worst case, not average: what was the longest queue wait last month?")
    assert query.metrics[0].startswith("max"), query
    _refused(reader, "Worst case, not average: what was the queue wait last month?")


def test_obviously_said_of_a_filter_adds_nothing(care_reader: QuestionReader) -> None:
    query = _read(care_reader, "ASA for the Customer Care team by month, Q1 (inbound obviously).")
    assert query.grain == "month" and _values_of(query, "direction") == ["INBOUND"], query


@pytest.mark.parametrize(
    "question",
    [
        "which sections do the auto-fail answers sit in? count of auto-fail answers per section",
        "which sections do the auto-fail answers fall in?",
        "which sections had auto-fail answers? count of auto-fail answers per section",
    ],
)
def test_which_groups_the_counted_rows_fall_in_are_those_with_any(
    reader: QuestionReader, question: str
) -> None:
    query = _read(reader, question)
    assert query.nonzero and [g.split("__")[-1] for g in query.group_by] == ["section_title"], query


def test_a_count_per_group_asked_plainly_keeps_its_zeros(reader: QuestionReader) -> None:
    assert not _read(reader, "count of auto-fail answers per section").nonzero


@pytest.mark.parametrize(
    "question",
    [
        "What's the most calls we handled on any single day this quarter? Just the number, I don't need the date.",
        "max calls in a single day this quarter",
    ],
)
def test_the_most_calls_on_any_day_is_the_busiest_day(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.grain == "day" and query.limit == 1 and query.order_by == "-calls", query


@pytest.mark.parametrize(
    "question",
    [
        "In March, how many calls in each queue put the customer on hold at all (any hold time above zero)?",
        "how many calls in each queue had hold time above 0 in March",
    ],
)
def test_calls_that_put_the_customer_on_hold_had_any_hold(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert [(name.split("__")[-1], op, n) for name, op, n in query.conditions] == [
        ("hold_time_minutes", ">", 0.0)
    ], query


def test_a_time_bound_other_than_zero_still_needs_its_unit(reader: QuestionReader) -> None:
    _refused(reader, "how many calls in each queue had hold time above 30 in March")


def test_the_issues_on_a_categorys_calls_are_counted_among_its_calls(reader: QuestionReader) -> None:
    query = _read(reader, "What are the top 3 customer issues on calls flagged escalation-request? All data.")
    assert query.metrics == ("calls_with_insight",) and query.order_by == "-calls_with_insight", query
    assert query.filters == (("calls_in:category", "escalation-request"),) and query.limit == 3, query
    # the calls of a category split by what their own table names stay those calls
    assert _read(reader, "escalation-request calls by team").metrics == ("categorised_calls",)


def test_evaluations_of_a_categorys_calls_are_filtered_on_their_call(reader: QuestionReader) -> None:
    query = _read(reader, "average QA score on escalation-request calls")
    assert query.metrics == ("average_qa_score",), query
    assert query.filters == (("calls_in:category", "escalation-request"),), query


@pytest.mark.parametrize(
    "question",
    [
        "How many calls were flagged BOTH escalation-request and cancellation-intent? all time",
        "avg CSAT on calls flagged both escalation-request and cancellation-intent",
    ],
)
def test_calls_flagged_with_both_categories_have_each(reader: QuestionReader, question: str) -> None:
    query = _read(reader, question)
    assert query.metrics in {("calls",), ("average_csat",)}, query
    assert sorted(query.filters) == [
        ("calls_in_every:category", "cancellation-intent"),
        ("calls_in_every:category", "escalation-request"),
    ], query
    arguments = query.to_arguments()
    # one semi-join per category: a call listed with both, never a row that is both
    assert len(arguments["where_constraints"]) == 2, arguments


def test_two_categories_joined_without_both_are_still_refused(reader: QuestionReader) -> None:
    _refused(reader, "escalation-request and cancellation-intent calls")
    _refused(reader, "calls flagged both escalation-request and cancellation-intent per category")


@pytest.mark.parametrize(
    ("question", "op", "number"),
    [
        ("how many days in March had more than 40 inbound calls", ">", 40.0),
        (
            "On how many days in March did inbound volume hit 40 calls or more? I want the number of days.",
            ">=",
            40.0,
        ),
    ],
)
def test_days_counted_by_a_bound_on_their_calls_of_one_direction(
    reader: QuestionReader, question: str, op: str, number: float
) -> None:
    query = _read(reader, question)
    assert query.having == (("calls", op, number),) and query.count_groups == "days", query
    assert _values_of(query, "direction") == ["INBOUND"], query


@pytest.mark.parametrize(
    "question",
    [
        "How many calls lasted more than 15 minutes of connected time in each team this quarter?",
        "And as a share: what percentage of each team's calls this quarter ran over 15 minutes (connected time)?",
    ],
)
def test_connected_time_after_a_calls_length_is_its_duration(reader: QuestionReader, question: str) -> None:
    reading = reader.read(question, TODAY)
    query = reading.query.numerator if isinstance(reading.query, ShareQuery) else _query(reading)
    assert [(n.split("__")[-1], op, v) for n, op, v in query.conditions] == [
        ("duration_minutes", ">", 15.0)
    ], query


@pytest.mark.parametrize(
    ("question", "grain", "groups"),
    [
        ("Service level by weekday for Q1 (Monday = 1)?", None, ["day_of_week"]),
        (
            "Averages get skewed by a few monster calls — what's the median handle time per team in March?",
            None,
            ["team"],
        ),
        ("I size the buffer off the tail: p90 handle time per queue, this qtr?", None, ["queue"]),
        ("Calls per day for the week of 16 March (Mon 16 – Sun 22), every direction", "day", []),
    ],
)
def test_asides_that_say_again_how_it_is_counted_leave_the_request(
    reader: QuestionReader, question: str, grain: str | None, groups: list[str]
) -> None:
    query = _read(reader, question)
    assert query.grain == grain and [g.split("__")[-1] for g in query.group_by] == groups, query
    assert not query.filters, query


@pytest.mark.parametrize(
    "question",
    [
        "I only look at inbound: AHT per team in March",  # the clause narrows: never dropped
        "Calls per day for the week of 16 March (Mon 16 – Sun 23)",  # another span than the week said
    ],
)
def test_asides_that_narrow_or_differ_are_refused(reader: QuestionReader, question: str) -> None:
    _refused(reader, question)


def test_every_direction_after_for_is_a_row_each(reader: QuestionReader) -> None:
    query = _read(reader, "AHT in March for every direction")
    assert [g.split("__")[-1] for g in query.group_by] == ["direction"], query


def test_each_value_agent_after_a_per_call_measure_is_that_teams_agents(care_reader: QuestionReader) -> None:
    query = _read(care_reader, "Average hold time per call for each Tech Tier 1 agent, March.")
    assert [g.split("__")[-1] for g in query.group_by] == ["agent_name"], query
    assert _values_of(query, "team") == ["Tech Tier 1"], query


@pytest.mark.parametrize(
    ("question", "groups"),
    [
        ("Which team (not queue) handles the most Billing calls?", ["team"]),
        (
            "Not the raw count please — what share of each team's calls this quarter got flagged escalation-request?",
            None,
        ),
        ("how many calls had a customer sentiment score below 0 in March", []),
    ],
)
def test_clarifications_of_the_grouping_and_the_figure(
    reader: QuestionReader, question: str, groups: list[str] | None
) -> None:
    reading = reader.read(question, TODAY)
    assert reading.query is not None, reading
    if groups is not None:
        assert [g.split("__")[-1] for g in _query(reading).group_by] == groups, reading
    else:
        assert isinstance(reading.query, ShareQuery), reading


def test_a_grouping_ruled_out_by_itself_is_refused(reader: QuestionReader) -> None:
    _refused(reader, "Which team (not team) has the most calls")


@pytest.mark.parametrize(
    "question",
    [
        "Morning! I lead Tech Tier 1 and I'm prepping my weekly 1:1s. How many calls did each of my agents take "
        "last week?",
        "Good morning, I run Tech Tier 1. How many calls did each of my agents take last week?",
    ],
)
def test_a_greeting_and_what_the_lead_prepares_leave_the_request(
    care_reader: QuestionReader, question: str
) -> None:
    query = _read(care_reader, question)
    assert _values_of(query, "team") == ["Tech Tier 1"] and [g.split("__")[-1] for g in query.group_by] == [
        "agent_name"
    ], query


def test_morning_said_of_calls_is_no_greeting(reader: QuestionReader) -> None:
    query = reader.read("Morning! AHT per team last month", TODAY).query
    assert isinstance(query, MetricQuery) and not query.conditions, query
    reading = reader.read("Morning calls per queue in March", TODAY)
    assert not (isinstance(reading.query, MetricQuery) and not reading.query.conditions), reading


def test_by_how_many_calls_volume_moved_is_the_change_between_the_months(reader: QuestionReader) -> None:
    query = _read(
        reader,
        "By how many calls did volume go up or down from February to March? One number, March minus February.",
    )
    assert query.metrics == ("calls",) and query.difference and query.versus is not None, query
    # the other way round is not the change the question asks for
    _refused(
        reader,
        "By how many calls did volume go up or down from February to March? One number, February minus March.",
    )


@pytest.mark.parametrize(
    "question",
    [
        "escalation-request calls as a share of all calls in Q1",
        "inbound calls as a % of all calls in March",
    ],
)
def test_calls_as_a_share_of_all_calls_is_the_share_never_the_count(
    reader: QuestionReader, question: str
) -> None:
    assert isinstance(reader.read(question, TODAY).query, ShareQuery)


def test_a_share_of_all_calls_said_without_a_condition_is_refused(reader: QuestionReader) -> None:
    # the words that say a share's whole are never dropped as said again when nothing else names the share
    _refused(reader, "Escalations as a share of all calls in Q1")


@pytest.mark.parametrize(
    "question",
    [
        "escalation-request calls in March (percentage, not the count)",
        "unresolved calls in March (as a %, not the count)",
    ],
)
def test_a_share_said_only_in_an_aside_is_never_answered_with_the_count(
    reader: QuestionReader, question: str
) -> None:
    reading = reader.read(question, TODAY)
    assert not isinstance(reading.query, MetricQuery), reading  # refused, or read as the share itself
