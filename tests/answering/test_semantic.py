"""The semantic answerer: questions read into metric queries, compiled by MetricFlow, guarded, run on DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from lambdas.shared.answering.semantic import (
    MetricQuery,
    MetricRequestError,
    QuestionReader,
    SemanticManifest,
    ShareQuery,
    metric_query_from_request,
    sql_string,
    strip_comments,
)
from lambdas.shared.answering.setup import semantic_answerer
from lambdas.shared.query_engines import DuckDbEngine

TODAY = dt.date(2026, 3, 31)

# (call_id, agent_id, agent_name, team, queue, direction, call_date, handle_time_seconds, customer_id, resolved)
CALLS = [
    ("c1", "a1", "Dana Reyes", "Billing East", "Billing", "INBOUND", "2026-01-05", 300.0, "u1", True),
    ("c2", "a1", "Dana Reyes", "Billing East", "Billing", "INBOUND", "2026-02-10", 600.0, "u2", False),
    (
        "c3",
        "a2",
        "Omar Haddad",
        "Tech Tier 1",
        "Technical Support",
        "INBOUND",
        "2026-02-11",
        900.0,
        "u1",
        True,
    ),
    (
        "c4",
        "a2",
        "Omar Haddad",
        "Tech Tier 1",
        "Technical Support",
        "OUTBOUND",
        "2026-03-02",
        1200.0,
        "u3",
        None,
    ),
    ("c5", "a3", "Lena Park", "Outbound Sales", "Sales", "OUTBOUND", "2026-03-20", 120.0, "u4", True),
]
# (evaluation_id, call_id, agent_id, team, queue, evaluator, status, evaluation_date, score, automatic fail)
SCORECARDS = [
    ("e1", "c1", "a1", "Billing East", "Billing", "qa.jo.smith", "SUBMITTED", "2026-01-06", 80.0, False),
    ("e2", "c2", "a1", "Billing East", "Billing", "qa.jo.smith", "SUBMITTED", "2026-02-11", 40.0, True),
    (
        "e3",
        "c3",
        "a2",
        "Tech Tier 1",
        "Technical Support",
        "qa.al.wong",
        "SUBMITTED",
        "2026-02-12",
        90.0,
        False,
    ),
    ("e4", "c4", "a2", "Tech Tier 1", "Technical Support", "qa.al.wong", "DRAFT", "2026-03-03", 10.0, True),
]


# (evaluation_id, section, question, score, automatic fail); e4 is a draft
ANSWERS = [
    ("e1", "Greeting", "Did the agent greet the customer?", 100.0, False),
    ("e1", "Verification", "Did the agent verify the caller?", 60.0, False),
    ("e2", "Greeting", "Did the agent greet the customer?", 50.0, False),
    ("e2", "Verification", "Did the agent verify the caller?", 0.0, True),
    ("e3", "Greeting", "Did the agent greet the customer?", 90.0, False),
    ("e3", "Verification", "Did the agent verify the caller?", 100.0, False),
    ("e4", "Verification", "Did the agent verify the caller?", 0.0, True),
]


def build_marts(root: Path) -> tuple[Path, Path]:
    warehouse, lake = root / "warehouse.duckdb", root / "lake"
    lake.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as db:
        db.execute("create schema post_call_analytics")
        db.execute(
            "create table post_call_analytics.calls (call_id varchar, agent_id varchar, agent_name varchar, "
            "team varchar, queue varchar, direction varchar, call_date date, started_at timestamp, "
            "handle_time_seconds double, customer_id varchar, summary_resolved boolean)"
        )
        for c in CALLS:
            db.execute(
                "insert into post_call_analytics.calls values (?, ?, ?, ?, ?, ?, cast(? as date), "
                "cast(? as timestamp), ?, ?, ?)",
                [*c[:7], c[6] + " 09:30:00", *c[7:]],
            )
        db.execute(
            "create table post_call_analytics.scorecards (evaluation_id varchar, call_id varchar, "
            "agent_id varchar, team varchar, queue varchar, evaluator varchar, evaluation_status varchar, "
            "evaluation_date date, score_percent double, is_automatic_fail boolean, evaluation_source varchar)"
        )
        for s in SCORECARDS:
            db.execute(
                "insert into post_call_analytics.scorecards values (?, ?, ?, ?, ?, ?, ?, cast(? as date), ?, ?, "
                "'MANUAL')",
                list(s),
            )
        # per-call values for lists: duration = handle time - 60 s; sentiment negative on the odd calls
        db.execute(
            "alter table post_call_analytics.calls add column duration_seconds double; "
            "alter table post_call_analytics.calls add column sentiment_customer double; "
            "alter table post_call_analytics.calls add column customer_satisfaction integer; "
            "alter table post_call_analytics.scorecards add column form_version integer default 1; "
            "update post_call_analytics.calls set duration_seconds = handle_time_seconds - 60, "
            "sentiment_customer = case when call_id in ('c1', 'c3') then -1.5 else 2.0 end, "
            # surveys answered on c1 (1), c2 (5) and c3 (4) only
            "customer_satisfaction = case call_id when 'c1' then 1 when 'c2' then 5 when 'c3' then 4 end"
        )
        db.execute(
            "create table post_call_analytics.agents as select agent_id, agent_name, max(team) as team, "
            "min(started_at) as first_call_at, max(started_at) as last_call_at, count(*) as call_count "
            "from post_call_analytics.calls group by agent_id, agent_name"
        )
        db.execute(
            "create table post_call_analytics.call_categories as select call_id, 'escalation-request' as "
            "category, call_date, team, queue, direction from post_call_analytics.calls where call_id in ('c2', 'c4')"
        )
        db.execute(
            "create table post_call_analytics.call_insights as select call_id, 'ACTION_ITEM' as insight_type, "
            "call_date, team, queue from post_call_analytics.calls"
        )
        # languages: c5 is in Spanish; talk speed and interruptions of both sides; after-call work
        db.execute(
            "alter table post_call_analytics.calls add column language_code varchar; "
            "update post_call_analytics.calls set language_code = case when call_id = 'c5' then 'es-US' "
            "else 'en-US' end"
        )
        # the summary's topic and product, and the job status: c4 is about a router, c1 and c2 about a bill
        db.execute(
            "alter table post_call_analytics.calls add column summary_topic varchar; "
            "alter table post_call_analytics.calls add column summary_product varchar; "
            "alter table post_call_analytics.calls add column call_status varchar; "
            "update post_call_analytics.calls set call_status = 'COMPLETED', "
            "summary_topic = case when call_id = 'c4' then 'router setup' when call_id in ('c1', 'c2') "
            "then 'invoice question' end, "
            "summary_product = case when call_id in ('c3', 'c4') then 'Home Broadband' else 'Mobile Plan' end"
        )
        # when each evaluation was submitted (drafts too, for the test: a list must still leave them out)
        db.execute(
            "alter table post_call_analytics.scorecards add column submitted_at timestamp; "
            "alter table post_call_analytics.scorecards add column form_title varchar; "
            "update post_call_analytics.scorecards set submitted_at = cast(evaluation_date as timestamp) "
            "+ interval 10 hour, form_title = 'Customer Service Quality'"
        )
        # answers of the evaluations: (evaluation, section, question, score, automatic fail)
        db.execute(
            "create table post_call_analytics.scorecard_answers (evaluation_id varchar, section_title varchar, "
            "question_text varchar, score_percent double, is_automatic_fail boolean, evaluation_status varchar, "
            "evaluation_date date, team varchar, queue varchar)"
        )
        for answer in ANSWERS:
            db.execute(
                "insert into post_call_analytics.scorecard_answers select ?, ?, ?, ?, ?, evaluation_status, "
                "evaluation_date, team, queue from post_call_analytics.scorecards where evaluation_id = ?",
                [*answer, answer[0]],
            )
        # sections of the evaluations: the form's score of a section is 5 points under its questions' average
        db.execute(
            "create table post_call_analytics.scorecard_sections as select a.evaluation_id, a.section_title, "
            "avg(a.score_percent) - 5 as section_score_percent, count(a.score_percent) as scored_question_count, "
            "sum(a.score_percent) as question_score_percent_sum, a.evaluation_status, a.evaluation_date, a.team, "
            "a.queue, s.agent_id from post_call_analytics.scorecard_answers a join post_call_analytics.scorecards s "
            "using (evaluation_id) group by all"
        )
    return warehouse, lake


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    warehouse, lake = build_marts(tmp_path_factory.mktemp("marts"))
    return semantic_answerer(DuckDbEngine(warehouse, lake), today=lambda: TODAY)


@pytest.fixture(scope="module")
def manifest() -> SemanticManifest:
    return SemanticManifest.load()


def test_a_metric_by_a_dimension_is_answered_from_the_compiled_sql(answerer: Any) -> None:
    answer = answerer.answer("average handle time by team")
    assert not answer.refused
    assert set(answer.rows) == {("Billing East", 450.0), ("Tech Tier 1", 1050.0), ("Outbound Sales", 120.0)}
    assert "post_call_analytics.calls" in answer.sql
    assert "--" not in answer.sql
    assert answer.answerer == "semantic"


def test_the_answer_states_the_metric_definition_and_that_no_period_means_all_data(answerer: Any) -> None:
    answer = answerer.answer("overall resolution rate")
    first, rest = answer.text.split("\n", 1)
    assert "all data (no period given)" in first
    assert "Percent of calls the generative summary marks resolved" in rest
    assert answer.rows == ((75.0,),)  # 3 of 4 calls with a summary verdict


def test_period_filter_and_grain_are_read_from_the_question(answerer: Any) -> None:
    answer = answerer.answer("monthly number of calls for the Billing queue")
    assert answer.rows == ((dt.date(2026, 1, 1), 1), (dt.date(2026, 2, 1), 1))
    answer = answerer.answer("how many outbound calls last month")
    assert answer.rows == ((0,),) or answer.rows == ((None,),) or answer.rows == ()
    answer = answerer.answer("how many outbound calls in March")
    assert answer.rows == ((2,),)


def test_a_measure_from_one_table_splits_by_a_dimension_of_another(answerer: Any) -> None:
    answer = answerer.answer("QA score by call direction")
    # drafts are not scored: the outbound call has only a draft, so it has no score, and a group with no value
    # for the measure is left out
    assert set(answer.rows) == {("INBOUND", 70.0)}
    assert "NOT scaled.average_qa_score IS NULL" in answer.sql


def test_rank_questions_become_order_and_limit(answerer: Any) -> None:
    answer = answerer.answer("top 2 agents by average handle time")
    assert answer.rows == (("Omar Haddad", 1050.0), ("Dana Reyes", 450.0))
    assert "the 2 highest" in answer.text.splitlines()[0]
    answer = answerer.answer("Which team had the lowest resolution rate?")
    assert answer.rows == (("Billing East", 50.0),)
    assert "the question names no number" in answer.text.splitlines()[0]


def test_values_found_in_the_data_become_filters(answerer: Any) -> None:
    assert answerer.answer("evaluations by qa.al.wong").rows == ((1,),)
    assert answerer.answer("escalation-request calls per team").rows == (
        ("Billing East", 1),
        ("Tech Tier 1", 1),
    ) or set(answerer.answer("escalation-request calls per team").rows) == {
        ("Billing East", 1),
        ("Tech Tier 1", 1),
    }


@pytest.mark.parametrize(
    "question",
    [
        "variance of handle time per team",  # a measure no metric defines
        "median talk speed per team",  # a statistic no metric defines for that value
        "average handle time per customer",  # a split no dimension defines
        "Which agents had QA scores above 90?",  # a condition on a metric
        "total revenue per team",
        "How many calls; DROP TABLE post_call_analytics.calls",
    ],
)
def test_a_word_it_cannot_express_means_a_refusal_with_suggestions(answerer: Any, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused
    assert answer.rows == ()
    assert answer.suggestions or "SQL or instructions" in answer.text


def test_a_list_at_the_row_cap_says_first_n_of_m(tmp_path: Path) -> None:
    warehouse, lake = build_marts(tmp_path)
    small = semantic_answerer(DuckDbEngine(warehouse, lake), today=lambda: TODAY, max_rows=2)
    answer = small.answer("number of calls per agent")
    assert len(answer.rows) == 2
    assert "first 2 of 3 rows" in answer.text.splitlines()[0]


def test_reader_accounts_for_every_word(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    reading = reader.read(
        "How long were customers kept on hold, on average, in each queue last month?", TODAY
    )
    assert reading.query is not None
    assert reading.query.metrics == ("average_hold_time",)
    assert reading.query.group_by == ("call__queue",)
    assert reading.query.period is not None and reading.query.period.start == dt.date(2026, 2, 1)
    refused = reader.read("average handle time by customer segment", TODAY)
    assert refused.query is None
    assert "segment" in refused.unknown


def test_two_measures_are_answered_only_when_the_question_lists_them(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    listed = reader.read("calls and callback rate by team", TODAY)
    assert listed.query is not None
    assert listed.query.metrics == ("calls", "callback_rate")
    both = reader.read("calls per month and average handle time", TODAY)
    assert both.query is not None and set(both.query.metrics) == {"calls", "average_handle_time"}
    about = reader.read("average handle time of calls by queue", TODAY)
    assert about.query is not None and about.query.metrics == ("average_handle_time",)
    # a filtered count ("calls that required a callback") is not "calls" next to "callback rate": it is the
    # count the metric's meta names for that condition
    qualified = reader.read("number of calls that required a callback by team", TODAY)
    assert qualified.query is not None and qualified.query.metrics == ("callback_calls",)
    # two measures with words between them that are no conjunction: one qualifies the other
    joined = reader.read("calls with average handle time by team", TODAY)
    assert joined.query is not None and set(joined.query.metrics) == {"calls", "average_handle_time"}


def test_a_condition_named_in_meta_reads_as_a_share_or_a_count(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"queue": ["Billing"]})
    rate = reader.read("percentage of calls resolved in February", TODAY)
    assert rate.query is not None and rate.query.metrics == ("resolution_rate",)
    assert isinstance(rate.query, MetricQuery) and rate.query.period is not None
    assert rate.query.period.start == dt.date(2026, 2, 1)
    failed = reader.read("what % of evaluations were auto-failed?", TODAY)
    assert failed.query is not None and failed.query.metrics == ("automatic_fail_rate",)
    count = reader.read("how many evaluations failed automatically", TODAY)
    assert count.query is not None and count.query.metrics == ("automatic_fails",)
    billing = reader.read("What share of calls in the Billing queue needed a callback?", TODAY)
    assert billing.query is not None and billing.query.metrics == ("callback_rate",)
    assert isinstance(billing.query, MetricQuery) and billing.query.filters == (("call__queue", "Billing"),)
    submitted = reader.read("evaluations submitted in March", TODAY)
    assert submitted.query is not None and submitted.query.metrics == ("evaluations",)


def test_metrics_of_two_tables_share_one_dimension(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {})
    both = reader.read("calls and evaluations by team", TODAY)
    assert isinstance(both.query, MetricQuery)
    assert both.query.metrics == ("calls", "evaluations") and both.query.group_by == ("call__team",)
    per_agent = reader.read("average handle time and average QA score per agent", TODAY)
    assert isinstance(per_agent.query, MetricQuery) and len(per_agent.query.group_by) == 1
    # a grouping neither reaches is refused, never dropped
    assert reader.read("calls and evaluations per customer", TODAY).query is None
    assert reader.read("calls and evaluations per site", TODAY).query is None


def test_a_share_of_one_filter_is_the_filtered_count_over_the_count(answerer: Any) -> None:
    answer = answerer.answer("percentage of calls in category escalation-request")
    assert not answer.refused
    assert answer.rows == ((40.0,),)  # c2 and c4 of five calls
    assert answer.text.startswith("Share of calls with category = escalation-request (%), all data")
    by_team = answerer.answer("share of calls that were escalation-request by team")
    assert set(by_team.rows) == {("Billing East", 50.0), ("Tech Tier 1", 50.0), ("Outbound Sales", 0.0)}
    # the queue the calls came through narrows both counts, as in "Billing queue calls"
    within = answerer.answer("share of calls in the Billing queue that were inbound")
    assert not within.refused and "among calls with queue = Billing" in within.text, within.text
    # two conditions after the calls: which one is the share's is not said, so no answer
    assert answerer.answer("share of calls that were inbound in the Billing queue").refused


def test_lists_of_calls_filter_sort_and_say_first_n_of_m(answerer: Any) -> None:
    recent = answerer.answer("the 1 most recent calls in category escalation-request")
    assert not recent.refused
    assert [row[0] for row in recent.rows] == ["c4"]
    assert "first 1 of 2 calls" in recent.text.splitlines()[0]
    longer = answerer.answer("calls longer than 10 minutes")
    assert {row[0] for row in longer.rows} == {"c3", "c4"}  # 840 s and 1,140 s
    # shown as stored, in seconds, and in the minutes the condition counts in
    assert list(longer.columns[-2:]) == ["duration_seconds", "duration_minutes"]
    assert "newest first" in longer.text.splitlines()[0]
    negative = answerer.answer("calls with negative customer sentiment in February")
    assert [row[0] for row in negative.rows] == ["c3"]
    longest = answerer.answer("show me the 2 longest calls")
    assert [row[0] for row in longest.rows] == ["c4", "c3"]
    below = answerer.answer("calls with customer sentiment below -1")
    assert {row[0] for row in below.rows} == {"c1", "c3"}  # the minus sign is kept
    assert answerer.answer("calls where the customer swore yesterday").refused
    assert answerer.answer("the 10 most recent calls from customers over 60").refused


def test_a_misspelt_word_is_read_as_the_one_word_it_is_one_edit_from(answerer: Any) -> None:
    answer = answerer.answer("average hndle time per team")
    assert not answer.refused and "read as" in answer.text.splitlines()[0]
    # a corrected word is read as any other: a median of handle time is a metric, one of talk speed is not
    assert "read as “median handle time”" in answerer.answer("medain handle time").text.splitlines()[0]
    assert answerer.answer("medain talk speed").refused


def test_filter_values_cannot_carry_template_syntax() -> None:
    assert sql_string("O'Brien") == "'O''Brien'"
    with pytest.raises(MetricRequestError):
        sql_string("{{ env_var('AWS_SECRET_ACCESS_KEY') }}")


def test_agent_requests_are_checked_against_the_manifest(manifest: SemanticManifest) -> None:
    query = metric_query_from_request(
        manifest,
        "average_qa_score",
        "team, month",
        "direction=INBOUND",
        "2026-01-01..2026-03-31",
        "-average_qa_score 3",
    )
    assert query == MetricQuery(
        metrics=("average_qa_score",),
        group_by=("evaluation__team",),
        grain="month",
        period=query.period,
        filters=(("call__direction", "INBOUND"),),
        order_by="-average_qa_score",
        limit=3,
    )
    assert query.period is not None and query.period.last_day == dt.date(2026, 3, 31)
    with pytest.raises(MetricRequestError, match="Unknown metric"):
        metric_query_from_request(manifest, "revenue")
    # metrics of two tables, on a dimension both reach (MetricFlow joins them)
    both = metric_query_from_request(manifest, "calls, evaluations", "team")
    assert both.group_by == ("call__team",)
    with pytest.raises(MetricRequestError, match="cannot be grouped"):
        metric_query_from_request(manifest, "calls, evaluations", "evaluator")


def test_a_metric_asked_over_all_data_only_is_refused_a_period_or_grain(manifest: SemanticManifest) -> None:
    # calls evaluated in a period against calls made in it is not the share of its calls that were evaluated
    assert manifest.metrics["evaluated_call_rate"].all_data_only
    assert not manifest.metrics["evaluated_calls"].all_data_only
    by_team = metric_query_from_request(manifest, "evaluated_call_rate", "team")
    assert by_team.group_by == ("call__team",) and by_team.grain is None and by_team.period is None
    with pytest.raises(
        MetricRequestError, match="evaluated_call_rate: The evaluated-call rate over a period"
    ):
        metric_query_from_request(manifest, "evaluated_call_rate", "team, month")
    with pytest.raises(MetricRequestError, match="evaluated_call_rate"):
        metric_query_from_request(manifest, "calls, evaluated_call_rate", "", "", "2026-01-01..2026-01-31")
    # its inputs over a period are answered: the evaluated calls and the calls of the period
    assert metric_query_from_request(manifest, "evaluated_calls, calls", "month").grain == "month"


def test_comments_are_stripped_from_compiled_sql() -> None:
    assert strip_comments("-- Read\nSELECT 1\n  -- note\nFROM t\n\n") == "SELECT 1\nFROM t"


def test_a_per_call_comparison_filters_a_metric_and_makes_a_share(answerer: Any) -> None:
    # durations: c1 240 s, c2 540 s, c3 840 s, c4 1,140 s, c5 60 s
    count = answerer.answer("how many calls longer than 10 minutes")
    assert count.rows == ((2,),)
    assert "call duration > 10 minutes (per call)" in count.text.splitlines()[0]
    negative = answerer.answer("how many calls had negative customer sentiment")
    assert negative.rows == ((2,),)  # c1 and c3
    share = answerer.answer("percentage of calls longer than 10 minutes")
    assert share.rows == ((40.0,),)
    # a comparison on a metric (not a per-call value) stays a refusal
    assert answerer.answer("Which agents had QA scores above 90?").refused


def test_seconds_in_another_unit_groupings_listed_and_shares_within_a_group(answerer: Any) -> None:
    # handle time has its own minutes metric; hold time is converted
    minutes = answerer.answer("average handle time in minutes by team")
    assert set(minutes.rows) == {("Billing East", 7.5), ("Tech Tier 1", 17.5), ("Outbound Sales", 2.0)}
    assert minutes.columns[-1] == "average_handle_time_minutes"
    hours = answerer.answer("average handle time in hours")
    assert hours.rows[0][0] == pytest.approx(3120 / 5 / 3600)
    assert hours.columns == ("average_handle_time_hours",) and "seconds ÷ 3600" in hours.text
    assert answerer.answer("resolution rate in minutes").refused  # a rate has no time unit
    two = answerer.answer("calls by team and queue")
    assert set(two.rows) == {
        ("Billing East", "Billing", 2),
        ("Tech Tier 1", "Technical Support", 2),
        ("Outbound Sales", "Sales", 1),
    }
    within = answerer.answer("share of Technical Support queue calls that were outbound")
    assert within.rows == ((50.0,),)  # c4 of c3 and c4
    assert "among calls with queue = Technical Support" in within.text.splitlines()[0]


def test_a_series_reads_in_time_order(answerer: Any) -> None:
    monthly = answerer.answer("calls per month")
    assert [row[0] for row in monthly.rows] == sorted(row[0] for row in monthly.rows)


def test_a_weekday_or_hour_is_the_time_of_the_metric_s_own_rows(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {})
    evaluations = reader.read("evaluations by day of week", TODAY)
    assert isinstance(evaluations.query, MetricQuery)
    assert evaluations.query.group_by == ("evaluation__day_of_week",)  # not the evaluated call's weekday
    categories = reader.read("categorised calls by hour of day", TODAY)
    assert isinstance(categories.query, MetricQuery)
    assert categories.query.group_by == ("call__hour_of_day",)  # a call's categories are at its time
    assert reader.read("calls and evaluations by weekday", TODAY).query is None


def test_a_share_per_group_is_each_group_over_all_rows(answerer: Any) -> None:
    per_queue = answerer.answer("percentage of calls by queue")
    assert set(per_queue.rows) == {("Billing", 40.0), ("Technical Support", 40.0), ("Sales", 20.0)}
    assert "share_percent" in per_queue.columns
    # a condition before the rows with a grouping can be read two ways: refused
    assert answerer.answer("share of Billing queue calls by team").refused


def test_rows_asked_for_are_not_answered_with_a_count(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"evaluator": ["qa.al.wong"]})
    for question in ("list evaluations by qa.al.wong", "which evaluations failed automatically"):
        reading = reader.read(question, TODAY)
        assert reading.query is None and "list of rows" in reading.reason
    counted = reader.read("how many evaluations failed automatically", TODAY)
    assert counted.query is not None and counted.query.metrics == ("automatic_fails",)
    evaluated = reader.read("how many calls were evaluated", TODAY)
    assert evaluated.query is not None and evaluated.query.metrics == ("evaluated_calls",)


def test_across_all_the_metric_s_own_rows_is_the_whole_population(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    overall = reader.read("What is the average QA score across all evaluations?", TODAY)
    assert overall.query is not None and overall.query.group_by == ()
    by_queue = reader.read("average handle time across all calls by queue", TODAY)
    assert by_queue.query is not None and by_queue.query.group_by == ("call__queue",)
    unknown = reader.read("average handle time across all sites", TODAY)
    assert unknown.query is None and "sites" in unknown.unknown


def test_fillers_and_a_bare_duration_are_read(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    monthly = reader.read("monthly call counts pls", TODAY)
    assert monthly.query is not None and monthly.query.metrics == ("calls",)
    duration = reader.read("avg duration of outbound calls", TODAY)
    assert duration.query is not None and duration.query.metrics == ("average_call_duration",)


def test_a_metric_named_twice_is_one_metric_and_its_population_words_are_its_own(
    manifest: SemanticManifest,
) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    rate = reader.read("resolution rate by queue (% of summarised calls resolved)", TODAY)
    assert rate.query is not None and rate.query.metrics == ("resolution_rate",)
    assert rate.query.group_by == ("call__queue",)
    assert reader.read("average handle time of summarised calls", TODAY).query is None  # not its population


def test_between_two_groups_is_a_comparison_and_verbs_of_keeping_are_neutral(
    manifest: SemanticManifest,
) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    split = reader.read("How does the QA score compare between inbound and outbound calls?", TODAY)
    assert split.query is not None and split.query.group_by == ("call__direction",)
    hold = reader.read("which queue keeps customers on hold the longest on average?", TODAY)
    assert hold.query is not None and hold.query.metrics == ("average_hold_time",)
    assert reader.read("average handle time between teams and sites", TODAY).query is None


def test_a_list_may_name_its_columns_and_a_named_value_is_shown(answerer: Any) -> None:
    recent = answerer.answer(
        "List the call ids and start times of the 1 most recent calls in category escalation-request"
    )
    assert not recent.refused and [row[0] for row in recent.rows] == ["c4"]
    negative = answerer.answer(
        "calls with negative customer sentiment in February: call id, agent and sentiment score"
    )
    assert [row[0] for row in negative.rows] == ["c3"]
    shown = answerer.answer("show the 2 most recent calls with their call duration")
    assert not shown.refused and any("duration" in column for column in shown.columns)
    assert answerer.answer("the 2 most recent calls with their revenue").refused  # a column nobody defined


def test_rounding_asked_for_is_applied_and_said(manifest: SemanticManifest, answerer: Any) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    assert reader.read("average handle time by queue rounded to one decimal", TODAY).query.digits == 1  # type: ignore[union-attr]
    assert reader.read("average QA score rounded to 2 decimal places", TODAY).query.digits == 2  # type: ignore[union-attr]
    whole = reader.read("average handle time in minutes, rounded to the nearest whole number", TODAY).query
    assert isinstance(whole, MetricQuery) and whole.digits == 0
    assert whole.metrics == ("average_handle_time_minutes",)
    assert reader.read("average QA score rounded", TODAY).query is None  # rounded to what: not guessed
    assert reader.read("average QA score by team", TODAY).query.digits is None  # type: ignore[union-attr]
    answer = answerer.answer("average handle time in minutes rounded to one decimal")
    assert not answer.refused and "ROUND(" in (answer.sql or "")
    assert all(round(float(value), 1) == float(value) for *_, value in answer.rows)
    assert "Rounded to 1 decimal" in answer.text


def test_a_metric_word_inside_a_longer_value_is_part_of_the_value(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"category": ["long-silence", "billing-dispute"], "queue": ["Billing"]})
    share = reader.read("What % of calls were tagged long-silence?", TODAY)
    assert isinstance(share.query, ShareQuery)
    assert share.query.numerator.filters == (("call_category__category", "long-silence"),)
    silence = reader.read("average silence by queue", TODAY)  # the metric, where no value is named
    assert isinstance(silence.query, MetricQuery) and silence.query.metrics == (
        "average_non_talk_time_percent",
    )


def test_what_share_of_keeps_its_question_word(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"category": ["billing-dispute"], "queue": ["Billing"]})
    share = reader.read("What share of calls were in category billing-dispute?", TODAY)
    assert isinstance(share.query, ShareQuery) and share.query.numerator.group_by == ()


def test_callers_are_customers_and_waiting_in_the_queue_is_the_queue_wait(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    wait = reader.read("how long were callers kept waiting in the queue on average, by queue", TODAY)
    assert isinstance(wait.query, MetricQuery) and wait.query.metrics == ("average_queue_wait",)
    assert wait.query.group_by == ("call__queue",)


def test_break_down_a_metric_by_a_dimension(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"team": ["Billing East"], "queue": ["Billing"]})
    sections = reader.read("Break down the average question score by scorecard section.", TODAY)
    assert isinstance(sections.query, MetricQuery) and sections.query.metrics == ("average_answer_score",)
    assert sections.query.group_by == ("scorecard_answer__section_title",)
    assert reader.read("break down the calls", TODAY).query is None  # broken down by what: not guessed


def test_the_longest_calls_by_a_value_are_a_list_sorted_by_it_never_a_grouping(answerer: Any) -> None:
    longest = answerer.answer("the 2 longest calls by call duration")
    assert not longest.refused and [row[0] for row in longest.rows] == ["c4", "c3"]
    assert answerer.answer("the 2 longest calls by agent").refused  # per agent: not a list
    # the order named after the period: still the list's order
    february = answerer.answer("list the 2 longest calls in February by duration, with call id and agent")
    assert not february.refused, february.text
    assert [row[0] for row in february.rows] == ["c3", "c2"]


def test_a_list_of_calls_by_their_csat(answerer: Any) -> None:
    # CSAT: c1 1, c2 5, c3 4
    ones = answerer.answer("Billing queue calls with a CSAT of 1: show call id, agent name and date")
    assert not ones.refused, ones.text
    assert [row[0] for row in ones.rows] == ["c1"]
    assert "CSAT = 1" in ones.text.splitlines()[0]
    gave = answerer.answer("list calls where the customer gave CSAT 4 or 5")
    assert sorted(row[0] for row in gave.rows) == ["c2", "c3"]


def test_a_period_that_cuts_a_grain_bucket_counts_only_its_own_days(answerer: Any) -> None:
    # c2 (Feb 10) is before the period; the February bucket holds c3 (Feb 11) alone, never the whole month
    answer = answerer.answer("monthly number of calls since February 11")
    assert answer.rows == ((dt.date(2026, 2, 1), 1), (dt.date(2026, 3, 1), 2))
    whole = answerer.answer("monthly number of calls since February 1")
    assert whole.rows == ((dt.date(2026, 2, 1), 2), (dt.date(2026, 3, 1), 2))


def test_a_period_on_the_grain_boundaries_stays_metricflows_time_constraint() -> None:
    from lambdas.shared.answering.slots import DateRange

    march = DateRange(dt.date(2026, 3, 1), dt.date(2026, 4, 1), "March")
    aligned = MetricQuery(metrics=("calls",), grain="month", period=march).to_arguments()
    assert "time_constraint_start" in aligned and "where_constraints" not in aligned
    cut = DateRange(dt.date(2026, 3, 4), dt.date(2026, 4, 1), "the past 4 weeks")
    weekly = MetricQuery(metrics=("calls",), grain="week", period=cut).to_arguments()
    assert "time_constraint_start" not in weekly
    assert weekly["where_constraints"] == [
        "{{ TimeDimension('metric_time', 'day') }} >= CAST('2026-03-04' AS DATE)",
        "{{ TimeDimension('metric_time', 'day') }} <= CAST('2026-03-31' AS DATE)",
    ]


def test_which_day_or_month_ranks_the_buckets_and_shows_the_first(answerer: Any) -> None:
    answer = answerer.answer("Which month had the most calls?")
    assert answer.rows == ((dt.date(2026, 2, 1), 2),) or answer.rows == ((dt.date(2026, 3, 1), 2),)
    assert len(answerer.answer("which day had the longest average handle time").rows) == 1


@pytest.mark.parametrize(
    "question",
    [
        "How many agents answered calls last month?",  # counts agents, not calls
        "how many different teams took calls",
        "number of customers with an evaluation",
        "What was the shortest hold time in February?",  # a minimum: no metric defines it
        "highest CSAT score last month",
        "the shortest queue wait this quarter",  # nor for the queue wait (always 0 for some call)
    ],
)
def test_a_count_of_something_else_or_a_single_extreme_is_refused(answerer: Any, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused, answer.text
    assert answer.rows == ()


def test_counting_calls_that_agents_took_is_still_a_count_of_calls(answerer: Any) -> None:
    assert answerer.answer("how many calls did agents take in March").rows == ((2,),)
    assert answerer.answer("how many different customers called").rows == ((4,),)


@pytest.mark.parametrize(
    "question",
    [
        "top 2 teams by unresolved calls",
        "number of unresolved calls per queue",
        "how many nonevaluated calls",
    ],
)
def test_a_word_with_a_prefix_is_never_corrected_into_its_stem(answerer: Any, question: str) -> None:
    # "unresolved" is two edits from "resolved": read as a typo it would answer the opposite question
    answer = answerer.answer(question)
    assert answer.refused or "unresolved" in answer.text.lower(), answer.text
    assert "read as" not in answer.text


def test_two_values_of_one_kind_compared_give_one_row_each(answerer: Any) -> None:
    answer = answerer.answer("average handle time, Billing East vs Tech Tier 1")
    assert set(answer.rows) == {("Billing East", 450.0), ("Tech Tier 1", 1050.0)}
    assert "team in (Billing East, Tech Tier 1)" in answer.text.splitlines()[0]
    assert " IN (" in answer.sql
    compared = answerer.answer("compare the number of calls of the Billing and Sales queues")
    assert set(compared.rows) == {("Billing", 2), ("Sales", 1)}
    # without a word that compares, "A and B" may ask for the total: never read as one row each
    assert answerer.answer("calls in the Billing and Sales queues").rows != compared.rows


def test_two_calendar_periods_compared_give_one_row_each(answerer: Any) -> None:
    answer = answerer.answer("number of calls in January vs February")
    assert answer.rows == ((dt.date(2026, 1, 1), 1), (dt.date(2026, 2, 1), 2))
    assert "compared with February 2026" in answer.text.splitlines()[0]
    assert answerer.answer("calls in January and February").refused  # the total, or one row each?
    assert answerer.answer("calls in January vs the past 3 days").refused  # not two units of a kind


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        ("hey, how many calls have we had so far? thanks!", ((5,),)),
        ("how many calls were received in March", ((2,),)),
        ("Average handle time on calls handled by the Billing East team", ((450.0,),)),
        ("top 2 agents by number of calls", (("Dana Reyes", 2), ("Omar Haddad", 2))),
        ("how many action items were found in calls in March", ((2,),)),
        ("calls by product", (("Home Broadband", 2), ("Mobile Plan", 3))),
        ("how many Mobile Plan calls about an invoice question", ((2,),)),
    ],
)
def test_everyday_wordings_of_covered_questions(answerer: Any, question: str, rows: tuple[Any, ...]) -> None:
    answer = answerer.answer(question)
    assert not answer.refused, answer.text
    assert set(answer.rows) == set(rows)


def test_a_count_of_the_values_themselves_counts_those_rows_not_calls(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"insight type": ["ACTION_ITEM", "ISSUE"]})
    counted = reader.read("how many issues were detected in March calls", TODAY)
    assert counted.query is not None and counted.query.metrics == ("insights",)
    calls = reader.read("how many calls had an issue in March", TODAY)
    assert calls.query is not None and calls.query.metrics == ("calls_with_insight",)


def test_one_call_named_by_its_id_is_looked_up(tmp_path: Path) -> None:
    warehouse, lake = build_marts(tmp_path)
    call_id = "6d75f121-7d7b-4a99-acc9-62bc7330868a"
    with duckdb.connect(str(warehouse)) as db:
        db.execute(f"update post_call_analytics.calls set call_id = '{call_id}' where call_id = 'c3'")
        db.execute(f"update post_call_analytics.scorecards set call_id = '{call_id}' where call_id = 'c3'")
    answerer = semantic_answerer(DuckDbEngine(warehouse, lake), today=lambda: TODAY)
    answer = answerer.answer(f"What was the handle time of call {call_id.upper()}?")
    assert answer.text.startswith(f"Call {call_id}.")
    assert answer.columns[-1] == "handle_time_seconds"  # as stored: the question named no unit
    assert answer.rows[0][0] == call_id and answer.rows[0][-1] == 900.0
    assert answerer.answer(f"who handled call {call_id}").rows[0][2] == "Omar Haddad"
    minutes = answerer.answer(f"handle time in minutes of call {call_id}")
    assert minutes.columns[-1] == "handle_time_minutes" and minutes.rows[0][-1] == 15.0
    # its QA score is its evaluations', one row each with its evaluator (c3's evaluation e3 scored 90)
    scored = answerer.answer(f"qa score for call {call_id}")
    assert scored.columns[-1] == "score_percent" and [row[-1] for row in scored.rows] == [90.0]
    assert "evaluator" in scored.columns and set(row[1] for row in scored.rows) == {call_id}
    day = answerer.answer(f"who handled call {call_id} and on which day?")
    assert not day.refused and day.rows[0][2] == "Omar Haddad"
    topic = answerer.answer(f"what was the topic and product of call {call_id}")
    assert topic.rows[0][-2:] == (None, "Home Broadband")
    # "how long was it" is its duration; with the wrap-up said to count, its handle time
    assert answerer.answer(f"How long was call {call_id}?").columns[-1] == "duration_seconds"
    wrap = answerer.answer(f"How long did call {call_id} take in minutes, wrap-up included?")
    assert wrap.columns[-1] == "handle_time_minutes" and wrap.rows[0][-1] == 15.0
    queue = answerer.answer(f"who handled call {call_id} and which queue did it come through?")
    assert not queue.refused and queue.rows[0][2] == "Omar Haddad"
    assert "customer_id" not in answerer.answer(f"who handled call {call_id}").columns
    listed = answerer.answer("Show me the 5 longest calls: call id, agent name, team and duration")
    assert "team" in listed.columns and "duration_seconds" in listed.columns
    missing = answerer.answer("show call 00000000-0000-0000-0000-000000000000")
    assert missing.rows == () and missing.text.startswith("No call has the id")
    assert answerer.answer(f"calls {call_id} and 00000000-0000-0000-0000-000000000000").refused
    assert answerer.answer(f"what is the weather on call {call_id}").refused


def test_unresolved_calls_and_calls_per_agent_are_metrics(answerer: Any) -> None:
    # c2 is the one call marked not resolved; c4 has no verdict
    assert answerer.answer("how many calls were not resolved").rows == ((1,),)
    assert set(answerer.answer("unresolved calls by team").rows) == {
        ("Billing East", 1),
        ("Tech Tier 1", 0),
        ("Outbound Sales", 0),
    }
    assert answerer.answer("on average, how many calls did each agent handle?").rows == ((5 / 3,),)
    per_agent = answerer.answer("how many calls did each agent handle?")  # one row per agent, not the average
    assert set(per_agent.rows) == {("Dana Reyes", 2), ("Omar Haddad", 2), ("Lena Park", 1)}


def test_a_misspelling_is_corrected_to_the_closest_word_only(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {})
    # "evaulations" is one transposition from "evaluations" and two edits from "evaluation": the closest wins
    corrected = reader.correct("how many evaulations were submitted", ("evaulations", "submitted"))
    assert corrected == "how many evaluations were submitted"


def test_a_call_metric_filtered_by_a_category_reads_the_calls_the_category_lists(answerer: Any) -> None:
    # c2 (600 s) and c4 (1200 s) are the escalation-request calls
    answer = answerer.answer("average handle time of escalation-request calls")
    assert answer.rows == ((900.0,),)
    assert "IN (SELECT call_id FROM post_call_analytics.call_categories" in answer.sql
    assert "category = escalation-request" in answer.text.splitlines()[0]
    by_team = answerer.answer("average handle time of calls in category escalation-request by team")
    assert set(by_team.rows) == {("Billing East", 600.0), ("Tech Tier 1", 1200.0)}
    # evaluations are rows of a call: their metrics are filtered on the call key through the calls a category lists
    qa = answerer.answer("QA score of calls in category escalation-request")
    assert not qa.refused and "IN (SELECT call_id FROM post_call_analytics.call_categories" in (qa.sql or "")


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("how many calls failed analytics last month", "failed_calls"),
        ("what percentage of calls have a CSAT survey answer", "survey_response_rate"),
        ("survey response rate by queue", "survey_response_rate"),
        ("how much does customer sentiment change from the first to the last quarter of a call", None),
        ("average agent share of talk time by direction", "average_agent_talk_share"),
        ("how many categories does a call match on average", "average_categories_per_call"),
        ("total hold time in hours this quarter", "total_hold_time_hours"),
    ],
)
def test_metrics_for_everyday_contact_centre_figures(
    manifest: SemanticManifest, question: str, metric: str | None
) -> None:
    reading = QuestionReader(manifest, {"queue": ["Billing"]}).read(question, TODAY)
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.metrics == (metric or "average_customer_sentiment_change",)
    if metric is None:  # "the last quarter of a call" is part of the metric, not a period
        assert reading.query.period is None


@pytest.mark.parametrize(
    ("question", "rest"),
    [
        (
            "I'm putting together the January review - how many calls in January?",
            "how many calls in January?",
        ),
        ("For my report: average handle time by team", "average handle time by team"),
        ("Tech Tier 1 vs Tech Tier 2: average handle time", None),  # the part before the colon is content
        ("average handle time - by team", None),
    ],
)
def test_a_clause_about_the_asker_before_the_question_is_dropped(question: str, rest: str | None) -> None:
    from lambdas.shared.answering.semantic import without_preamble

    assert without_preamble(question) == (rest or question)


def test_the_most_common_values_rank_by_calls_and_groups_leave_out_calls_without_one(answerer: Any) -> None:
    # topics: c1 and c2 are invoice questions, c4 a router setup, c3 and c5 have none
    answer = answerer.answer("what's the most common topic?")
    assert answer.rows == (("invoice question", 2),)
    assert "rows with no summary topic left out" in answer.text.splitlines()[0]
    assert "NOT call__summary_topic IS NULL" in answer.sql
    ranked = answerer.answer("which topics are most common")
    assert ranked.rows == (("invoice question", 2), ("router setup", 1))
    # not ranked either: a call without a summary has no topic, and is in no topic's row
    assert set(answerer.answer("calls by topic").rows) == {
        ("invoice question", 2),
        ("router setup", 1),
    }
    assert answerer.answer("what is the most common handle time").refused  # "most common" ranks by calls


@pytest.mark.parametrize(
    ("question", "metric", "order"),
    [
        ("avg handle time per agent, highest first", "average_handle_time", "-average_handle_time"),
        ("average handle time by team in ascending order", "average_handle_time", "average_handle_time"),
        ("average sentiment of agents by team", "average_agent_sentiment", None),
        ("how long do callers wait before being answered", "average_queue_wait", None),
        ("which product generates the most calls", "calls", "-calls"),
        ("total talk time by agent in hours", "total_talk_time_hours", None),
    ],
)
def test_orders_and_wordings_read_into_metric_queries(
    manifest: SemanticManifest, question: str, metric: str, order: str | None
) -> None:
    reading = QuestionReader(manifest, {}).read(question, TODAY)
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.metrics == (metric,)
    assert reading.query.order_by == order


@pytest.mark.parametrize(
    "question",
    [
        "calls per agent, best first",  # no way of better is defined for a count of calls
        "total talk time in minutes",  # the metric is in hours; minutes are not offered
    ],
)
def test_an_order_or_unit_that_depends_on_the_metric_is_refused(
    manifest: SemanticManifest, question: str
) -> None:
    assert QuestionReader(manifest, {}).read(question, TODAY).query is None


def test_more_everyday_wordings_read_into_metric_queries(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"queue": ["Billing"]})
    waited = reader.read("how long did callers wait in the queue yesterday? minutes please", TODAY)
    assert isinstance(waited.query, MetricQuery) and waited.query.scale == ("minutes", 60.0)
    agents = reader.read("how many different agents took calls in the Billing queue", TODAY)
    assert isinstance(agents.query, MetricQuery) and agents.query.metrics == ("distinct_agents",)
    failed = reader.read("how many calls have no analytics because the transcribe job failed", TODAY)
    assert isinstance(failed.query, MetricQuery) and failed.query.metrics == ("failed_calls",)
    week = reader.read("calls in the week of 9 March", TODAY)
    assert isinstance(week.query, MetricQuery) and week.query.period is not None
    assert week.query.period.start == dt.date(2026, 3, 9)


def _answerer_over_changed_marts(tmp_path: Path, changes: str) -> Any:
    """The semantic answerer over the small marts with ``changes`` (SQL) applied: real call ids, new columns."""
    warehouse, lake = build_marts(tmp_path)
    with duckdb.connect(str(warehouse)) as db:
        db.execute(changes)
    return semantic_answerer(DuckDbEngine(warehouse, lake), today=lambda: TODAY)


def test_one_call_shows_its_categories_or_summary_when_asked(tmp_path: Path) -> None:
    call_id = "346d5ade-2320-48e3-a70b-dc509d80171f"
    uncategorised = "5b1f0c9e-1d0e-4c55-9a54-0d3f6d0a1e77"
    answerer = _answerer_over_changed_marts(
        tmp_path,
        "alter table post_call_analytics.calls add column categories varchar; "
        "alter table post_call_analytics.calls add column summary_text varchar; "
        f"update post_call_analytics.calls set call_id = '{call_id}', categories = 'escalation-request', "
        "summary_text = 'Router reset.' where call_id = 'c4'; "
        f"update post_call_analytics.call_categories set call_id = '{call_id}' where call_id = 'c4'; "
        f"update post_call_analytics.calls set call_id = '{uncategorised}' where call_id = 'c1'",
    )
    # the categories alone: a row each, from the categories' own table
    categories = answerer.answer(f"What categories did call {call_id} match?")
    assert categories.columns == ("call_id", "category")
    assert categories.rows == ((call_id, "escalation-request"),)
    assert categories.text.startswith(f"Call {call_id}: the 1 category it matched.")
    none = answerer.answer(f"which categories did call {uncategorised} match")
    assert none.rows == () and none.text.startswith(f"Call {uncategorised} matched no category.")
    unknown = answerer.answer("categories of call 00000000-0000-0000-0000-000000000000")
    assert unknown.rows == () and unknown.text.startswith("No call has the id")
    # with a column of the call named too, the call's own row with its categories listed
    row = answerer.answer(f"What categories did call {call_id} match, and who handled it?")
    assert row.columns[-1] == "categories" and row.rows[0][-1] == "escalation-request"
    assert "agent_name" in row.columns
    summary = answerer.answer(f"whats the summary of call {call_id}")
    assert summary.rows[0][-1] == "Router reset."
    assert answerer.answer(f"how many calls did call {call_id} have").refused


def test_one_call_shows_its_insights_and_parts_asked_in_other_words(tmp_path: Path) -> None:
    call_id = "3742c780-57e5-49a9-a223-86edab6931cf"
    quiet = "5b1f0c9e-1d0e-4c55-9a54-0d3f6d0a1e77"
    answerer = _answerer_over_changed_marts(
        tmp_path,
        "alter table post_call_analytics.call_insights add column insight_text varchar; "
        "alter table post_call_analytics.call_insights add column insight_position integer; "
        "update post_call_analytics.call_insights set insight_text = 'Send a new router.', insight_position = 1; "
        "insert into post_call_analytics.call_insights select call_id, 'ISSUE', call_date, team, queue, "
        "'The router keeps dropping.', 0 from post_call_analytics.calls where call_id = 'c4'; "
        "alter table post_call_analytics.calls add column hold_time_seconds double; "
        "alter table post_call_analytics.calls add column after_call_work_seconds double; "
        "update post_call_analytics.calls set hold_time_seconds = 30, after_call_work_seconds = 45; "
        f"update post_call_analytics.calls set call_id = '{call_id}' where call_id = 'c4'; "
        f"update post_call_analytics.call_insights set call_id = '{call_id}' where call_id = 'c4'; "
        f"update post_call_analytics.calls set call_id = '{quiet}' where call_id = 'c1'; "
        f"delete from post_call_analytics.call_insights where call_id = 'c1'",
    )
    issue = answerer.answer(f"on call {call_id}, what issue did the customer raise? the text of it")
    assert issue.columns == ("call_id", "insight_type", "insight_text")
    assert issue.rows == ((call_id, "ISSUE", "The router keeps dropping."),)
    assert issue.text.startswith(f"Call {call_id}: 1 issue detected")
    promised = answerer.answer(f"What did the agent promise to do on call {call_id}?")
    assert promised.rows == ((call_id, "ACTION_ITEM", "Send a new router."),)
    both = answerer.answer(f"issues and action items on call {call_id}")
    assert [row[1] for row in both.rows] == ["ISSUE", "ACTION_ITEM"]  # in the order of the call
    none = answerer.answer(f"what issues were raised on call {quiet}")
    assert none.rows == () and none.text.startswith(f"Call {quiet} has no issues detected.")
    # the insights and another column of the call at once: asked separately
    assert answerer.answer(f"who handled call {call_id} and what issue was raised").refused
    # its parts asked "how long", its total handle time, a complaint said around the request
    parts = answerer.answer(
        f"Call {call_id} — how long was the customer on hold and how long was the wrap-up?"
    )
    assert parts.columns[-2:] == ("hold_time_seconds", "after_call_work_seconds"), parts.text
    total = answerer.answer(f"call {call_id}: hold, wrap-up and total handle time?")
    assert total.columns[-3:] == ("handle_time_seconds", "hold_time_seconds", "after_call_work_seconds")
    complained = answerer.answer(f"Handle time for call {call_id}? a customer complained it took forever")
    assert complained.columns[-1] == "handle_time_seconds" and len(complained.rows) == 1
    flagged = answerer.answer(f"Which categories were flagged on call {call_id}?")
    assert flagged.columns == ("call_id", "category")
    # two calls' totals: one call at a time
    assert answerer.answer(f"total handle time of call {call_id} and {quiet}").refused


def test_weekends_and_weekdays_filter_the_day_of_the_week(answerer: Any) -> None:
    # weekend calls in the fixture: c5 (2026-03-20 is a Friday) — none; c1 (Mon), c2 (Tue), c3 (Wed), c4 (Mon)
    weekdays = answerer.answer("how many calls on weekdays")
    assert weekdays.rows == ((5,),) and "on weekdays" in weekdays.text.splitlines()[0]
    assert answerer.answer("how many calls at weekends").rows == ((0,),)
    # one weekend: the Saturday and Sunday before today's (a Tuesday), said in the answer
    last = answerer.answer("calls last weekend")
    assert "last weekend (2026-03-28 to 2026-03-29)" in last.text and last.rows == ((0,),), last.text


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("total handle time by team, in hours (not the average)", "total_handle_time_hours"),
        ("average agent sentiment by team (the agents' own, not the customers')", "average_agent_sentiment"),
        ("customer sentiment by queue, not the agents'", "average_customer_sentiment"),
        # a unit or kind of figure the measure is not
        ("csat, not the total", "average_csat"),
        ("average silence per call in seconds, not %", "average_non_talk_time"),
    ],
)
def test_a_clarification_ruling_out_what_the_metric_is_not_is_accounted_for(
    manifest: SemanticManifest, question: str, metric: str
) -> None:
    reading = QuestionReader(manifest, {}).read(question, TODAY)
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.metrics == (metric,)


@pytest.mark.parametrize(
    "question",
    [
        "average handle time by team, not the average",
        "calls by team not the Billing queue",
        "total handle time by team, not the total",
    ],
)
def test_a_negation_that_changes_the_question_is_refused(manifest: SemanticManifest, question: str) -> None:
    assert QuestionReader(manifest, {"queue": ["Billing"]}).read(question, TODAY).query is None


def test_each_of_a_teams_agents_is_per_agent_in_that_team(answerer: Any) -> None:
    answer = answerer.answer("average handle time for each of the Tech Tier 1 agents")
    assert answer.rows == (("Omar Haddad", 1050.0),)
    assert "team = Tech Tier 1" in answer.text.splitlines()[0]


def test_the_lowest_named_after_the_rank_word_is_a_top_one(manifest: SemanticManifest) -> None:
    reader = QuestionReader(manifest, {"queue": ["Billing"]})
    one = reader.read("what's the lowest scoring team in the Billing queue?", TODAY)
    assert isinstance(one.query, MetricQuery) and one.query.limit == 1
    many = reader.read("what are the lowest scoring teams in the Billing queue?", TODAY)
    assert isinstance(many.query, MetricQuery) and many.query.limit is None


def test_a_list_shows_durations_in_seconds_unless_minutes_are_asked(answerer: Any) -> None:
    seconds = answerer.answer("the 2 longest calls by handle time")
    assert seconds.columns[-1] == "handle_time_seconds" and seconds.rows[0][-1] == 1200.0
    minutes = answerer.answer("the 2 longest calls by handle time in minutes")
    assert minutes.columns[-1] == "handle_time_minutes" and minutes.rows[0][-1] == 20.0
    assert [r[0] for r in seconds.rows] == [r[0] for r in minutes.rows]  # the same calls, the same order
    condition = answerer.answer("calls with handle time over 10 minutes, with their handle time")
    # minutes named only for the condition: the stored seconds and the minutes it counts in
    assert list(condition.columns[-2:]) == ["handle_time_seconds", "handle_time_minutes"]


@pytest.mark.parametrize(
    ("question", "metric", "period_start"),
    [
        ("hwo many calls in Febuary", "calls", dt.date(2026, 2, 1)),
        ("avg agent WPM", "average_agent_talk_speed", None),
        ("what % of evaluations were auto-fails", "automatic_fail_rate", None),
        ("what percentage of calls got a survey response", "survey_response_rate", None),
    ],
)
def test_slips_abbreviations_and_condition_wordings(
    manifest: SemanticManifest, question: str, metric: str, period_start: dt.date | None
) -> None:
    reading = QuestionReader(manifest, {}).read(question, TODAY)
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.metrics == (metric,)
    assert (reading.query.period.start if reading.query.period else None) == period_start


def test_sentences_about_the_asker_are_dropped_and_the_request_kept() -> None:
    from lambdas.shared.answering.semantic import without_preamble

    question = (
        "Hi! I look after the Billing East team and my manager says our calls run long. "
        "Could you tell me the average handle time for Billing East in March? Thanks so much"
    )
    assert (
        without_preamble(question) == "Could you tell me the average handle time for Billing East in March?"
    )
    # a sentence with content is never dropped
    assert without_preamble("Calls by team. Last month only.") == "Calls by team. Last month only."


def test_which_value_agent_and_which_over_counts(answerer: Any) -> None:
    one = answerer.answer("which Tech Tier 1 agent has the highest average handle time?")
    assert one.rows == (("Omar Haddad", 1050.0),)
    # a plural which over a count, unranked: only the groups with any
    some = answerer.answer("which agents took calls in March")
    assert set(some.rows) == {("Omar Haddad", 1), ("Lena Park", 1)}
    assert "(only those with any)" in some.text.splitlines()[0]
    every = answerer.answer("automatic fails by team")  # a count of a condition: every team, 0 included
    assert ("Tech Tier 1", 0) in every.rows
    failed = answerer.answer("which teams had automatic fails")
    assert failed.rows == (("Billing East", 1),)


@pytest.mark.parametrize(
    ("question", "group", "limit"),
    [
        (
            "what hours of the day do calls come in? the number of calls for each hour",
            "call__hour_of_day",
            None,
        ),
        ("for each queue, how many calls in March? just the counts per queue is fine", "call__queue", None),
        (
            "which days of the week are busiest? give me the calls for each day of the week",
            "call__day_of_week",
            None,
        ),
        ("what is the busiest day of the week", "call__day_of_week", 1),
    ],
)
def test_a_grouping_said_twice_is_one_grouping(
    manifest: SemanticManifest, question: str, group: str, limit: int | None
) -> None:
    reading = QuestionReader(manifest, {"queue": ["Billing"]}).read(question, TODAY)
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.group_by == (group,) and reading.query.limit == limit


def test_calls_that_waited_longer_than_a_time_are_a_per_call_condition(manifest: SemanticManifest) -> None:
    reading = QuestionReader(manifest, {}).read(
        "how many inbound calls waited in the queue more than 2 minutes", TODAY
    )
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.conditions == (("call__queue_wait_minutes", ">", 2.0),)


@pytest.mark.parametrize(
    "question",
    [
        "I look after the Billing queue. What is the average handle time?",  # the queue is said nowhere else
    ],
)
def test_a_sentence_about_the_asker_that_narrows_the_question_is_never_dropped(
    answerer: Any, question: str
) -> None:
    assert answerer.answer(question).refused


def test_a_sentence_that_narrows_the_question_to_a_period_is_read(manifest: SemanticManifest) -> None:
    # "I need March only" narrows "Calls by team" to March: read as the period, never dropped
    reading = QuestionReader(manifest, {}).read("Calls by team. I need March only.", TODAY)
    assert isinstance(reading.query, MetricQuery), reading.reason
    assert reading.query.period is not None
    assert (reading.query.period.start, reading.query.period.end) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    )


def test_a_sentence_about_the_asker_is_dropped_when_the_request_repeats_it(answerer: Any) -> None:
    answer = answerer.answer(
        "Hi! I look after the Tech Tier 1 team and our calls run long. "
        "What was the average handle time for Tech Tier 1 in March? Thanks"
    )
    assert answer.rows == ((1200.0,),)
