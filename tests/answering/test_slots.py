from __future__ import annotations

import datetime as dt

import pytest

from lambdas.shared.answering.slots import (
    DateRange,
    EntityIndex,
    asks_for_one,
    extract_slots,
    find_date_range,
    find_direction,
    find_top_n,
    normalise,
)

TODAY = dt.date(2026, 3, 18)  # a Wednesday


def _range(question: str, today: dt.date = TODAY) -> tuple[dt.date, dt.date]:
    match = find_date_range(normalise(question), today)
    assert match is not None, question
    value = match.value
    return value.start, value.end  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("How many calls yesterday?", "2026-03-17", "2026-03-18"),
        ("calls today", "2026-03-18", "2026-03-19"),
        ("calls the day before yesterday", "2026-03-16", "2026-03-17"),
        ("calls last month", "2026-02-01", "2026-03-01"),
        ("calls in October", "2025-10-01", "2025-11-01"),
        ("calls in March", "2026-03-01", "2026-04-01"),
        ("calls in October 2026", "2026-10-01", "2026-11-01"),
        ("calls over the past 2 weeks", "2026-03-05", "2026-03-19"),
        ("calls in the past two weeks", "2026-03-05", "2026-03-19"),
        ("calls in the last 30 days", "2026-02-17", "2026-03-19"),
        ("calls this quarter", "2026-01-01", "2026-03-19"),
        ("calls last quarter", "2025-10-01", "2026-01-01"),
        ("calls last week", "2026-03-09", "2026-03-16"),
        ("calls this week", "2026-03-16", "2026-03-19"),
        ("calls this year", "2026-01-01", "2026-03-19"),
        ("calls year to date", "2026-01-01", "2026-03-19"),
        ("calls in Q4", "2025-10-01", "2026-01-01"),
        ("calls in the third quarter of 2025", "2025-07-01", "2025-10-01"),
        ("calls in 2025", "2025-01-01", "2026-01-01"),
        ("calls on 2026-02-10", "2026-02-10", "2026-02-11"),
        ("calls since 2026-03-01", "2026-03-01", "2026-03-19"),
        ("calls between 2026-01-01 and 2026-01-31", "2026-01-01", "2026-02-01"),
        # a span of months said after "for": both months and those between, never the first alone
        ("CSAT per queue for Jan to March", "2026-01-01", "2026-04-01"),
        ("CSAT per month for January through Feb", "2026-01-01", "2026-03-01"),
    ],
)
def test_date_phrases_resolve_to_half_open_ranges_relative_to_the_injected_day(
    question: str, start: str, end: str
) -> None:
    assert _range(question) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("calls 9-15 March", "2026-03-09", "2026-03-16"),
        ("calls 9th to 15th march", "2026-03-09", "2026-03-16"),
        ("calls march 9-15", "2026-03-09", "2026-03-16"),
        ("calls for feb 2-8", "2026-02-02", "2026-02-09"),
    ],
)
def test_days_of_one_month_said_as_a_span(question: str, start: str, end: str) -> None:
    assert _range(question) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize(
    ("today", "saturday"),
    [
        (dt.date(2026, 3, 18), "2026-03-14"),  # a Wednesday
        (dt.date(2026, 3, 16), "2026-03-14"),  # a Monday: the weekend just gone
        (dt.date(2026, 3, 21), "2026-03-14"),  # a Saturday: the weekend before this one
        (dt.date(2026, 3, 22), "2026-03-14"),  # a Sunday: the same
    ],
)
def test_last_weekend_is_the_saturday_and_sunday_before_today_s_weekend(
    today: dt.date, saturday: str
) -> None:
    sat = dt.date.fromisoformat(saturday)
    for said in ("calls last weekend", "calls over the last weekend", "calls this past weekend"):
        assert _range(said, today) == (sat, sat + dt.timedelta(days=2)), said
    assert find_date_range(normalise("calls the last weekend of march"), today).value.label == "March 2026"  # type: ignore[union-attr]


def test_in_a_month_name_means_the_latest_such_month_not_in_the_future() -> None:
    assert _range("calls in december", dt.date(2026, 1, 5)) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    assert _range("calls in december", dt.date(2026, 12, 5)) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))


def test_last_month_in_january_is_the_previous_december() -> None:
    assert _range("calls last month", dt.date(2026, 1, 10)) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))


def test_month_names_that_are_ordinary_words_need_a_date_preposition() -> None:
    assert find_date_range(normalise("May I see the calls?"), TODAY) is None
    assert find_date_range(normalise("calls in may"), TODAY) is not None


def test_questions_without_dates_have_no_date_range() -> None:
    assert find_date_range(normalise("How many total calls are in the database?"), TODAY) is None


def test_direction_words_map_to_the_stored_values() -> None:
    assert find_direction(normalise("incoming calls")).value == "INBOUND"  # type: ignore[union-attr]
    assert find_direction(normalise("Outbound calls")).value == "OUTBOUND"  # type: ignore[union-attr]
    assert find_direction(normalise("calls by direction")) is None


@pytest.mark.parametrize(
    ("question", "n"),
    [("top 5 agents", 5), ("the top five agents", 5), ("10 best agents", 10), ("worst 3 teams", 3)],
)
def test_top_n_reads_the_number_next_to_a_ranking_word(question: str, n: int) -> None:
    match = find_top_n(normalise(question))
    assert match is not None
    assert match.value == n


def test_top_n_ignores_numbers_that_are_not_rankings() -> None:
    assert find_top_n(normalise("calls longer than 5 minutes")) is None


def test_rolling_window_numbers_are_not_read_as_top_n() -> None:
    slots, rest = extract_slots(normalise("top agents in the last 30 days"), ["date_range", "top_n"], TODAY)
    assert "top_n" not in slots
    assert slots["date_range"].value.start == dt.date(2026, 2, 17)  # type: ignore[attr-defined]
    assert rest == "top agents"


def test_entity_names_resolve_to_stored_values_despite_case_and_typos() -> None:
    teams = EntityIndex("team", ["Billing East", "Billing West", "Tech Support"])
    assert teams.find(normalise("calls for the biling east team")).value == "Billing East"  # type: ignore[union-attr]
    assert teams.find(normalise("TECH SUPPORT calls")).value == "Tech Support"  # type: ignore[union-attr]
    assert teams.find(normalise("calls for the marketing team")) is None


def test_a_longer_entity_name_wins_over_a_shorter_one_it_contains() -> None:
    queues = EntityIndex("queue", ["Billing", "Billing Escalations"])
    assert queues.find(normalise("calls in the billing escalations queue")).value == "Billing Escalations"  # type: ignore[union-attr]


def test_extracting_slots_leaves_the_rest_of_the_question() -> None:
    teams = EntityIndex("team", ["Billing East"])
    slots, rest = extract_slots(
        normalise("Top 3 agents by inbound calls for Billing East last month"),
        ["date_range", "top_n", "direction", "team"],
        TODAY,
        {"team": teams},
    )
    assert slots["top_n"].value == 3
    assert slots["direction"].value == "INBOUND"
    assert slots["team"].value == "Billing East"
    assert slots["date_range"].value.start == dt.date(2026, 2, 1)  # type: ignore[attr-defined]
    assert rest == "top agents by calls for"


def test_only_the_requested_slot_kinds_are_extracted() -> None:
    slots, rest = extract_slots(normalise("inbound calls last month"), ["direction"], TODAY)
    assert set(slots) == {"direction"}
    assert rest == "calls last month"


@pytest.mark.parametrize(
    ("question", "one"),
    [
        ("What's the most common call category?", True),
        ("Which evaluation question scores lowest on average?", True),
        ("which agent handles the most calls", True),
        ("Which team had the lowest CSAT last month?", True),
        ("What is the busiest queue?", True),
        ("which agents handle the most calls", False),
        ("What are the most common categories?", False),
        ("Which QA questions score lowest?", False),
        ("top 5 queues by calls", False),
        ("which 3 agents have the most calls", False),
        ("most common categories", False),
        ("How many calls did we take?", False),
        ("most common customer issue?", True),  # no "which": the singular noun it ranks
        ("busiest hour last week", True),
        ("agent with the most calls", True),
        ("most common customer issues", False),
        ("agents with the most calls", False),
        ("most common reasons customers call", False),
        ("highest AHT by team", False),  # a measure after the ranking word: the ranking
        # the singular noun after "which" is what is ranked, whoever the verb's subject is
        ("Which scorecard question do agents score worst on?", True),
        ("which queue do customers wait longest in", True),
        ("which questions do agents score worst on", False),
    ],
)
def test_a_question_for_the_single_first_of_a_ranking_is_told_from_one_for_the_ranking(
    question: str, one: bool
) -> None:
    assert asks_for_one(normalise(question)) is one


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("calls in the week of 9 March", dt.date(2026, 3, 9), dt.date(2026, 3, 16)),
        ("evaluations the week of march 11", dt.date(2026, 3, 9), dt.date(2026, 3, 16)),  # a Wednesday
        ("sentiment between 2 and 8 March", dt.date(2026, 3, 2), dt.date(2026, 3, 9)),
        ("calls from 3 to 9 February 2026", dt.date(2026, 2, 3), dt.date(2026, 2, 10)),
    ],
)
def test_a_week_named_by_a_day_and_days_of_one_month(text: str, start: dt.date, end: dt.date) -> None:
    found = find_date_range(normalise(text), TODAY)
    assert found is not None and isinstance(found.value, DateRange)
    assert (found.value.start, found.value.end) == (start, end)


def test_at_least_or_at_most_a_number_is_a_bound_never_a_top_n() -> None:
    assert find_top_n(normalise("agents with at least 2 calls")) is None
    assert find_top_n(normalise("calls of at most 5 minutes")) is None
    top = find_top_n(normalise("the least 2 busy agents"))
    assert top is not None and top.value == 2


@pytest.mark.parametrize("said", ["Jan to Mar", "january through march", "January thru March 2026"])
def test_a_span_of_months_needs_no_from(said: str) -> None:
    assert _range(f"average CSAT per month, {said}") == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))


@pytest.mark.parametrize(
    "text",
    [
        "average agent sentiment in the last quarter of their calls",
        "sentiment in the first quarter of the call",
        "customer sentiment over the past quarter of each call",
    ],
)
def test_a_quarter_of_a_call_is_no_period(text: str) -> None:
    assert find_date_range(text, dt.date(2026, 3, 31)) is None


def test_a_count_before_a_month_is_rows_of_that_month_never_a_day() -> None:
    # "the 5 March calls": five calls of March; "calls on 5 March" is still the day
    assert normalise("Pull the 5 March calls with the longest hold") == (
        "pull the 5 calls in march with the longest hold"
    )
    assert _range("Pull the 5 March calls with the longest hold") == (
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    )
    assert _range("calls on 5 March") == (dt.date(2026, 3, 5), dt.date(2026, 3, 6))


def test_a_month_word_closing_the_request_is_the_month() -> None:
    assert _range("inbound AHT in minutes for each queue, March please") == (
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    )
    assert _range("AHT per team, March only") == (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    # a month word inside the request without a preposition is still no month
    assert find_date_range(normalise("calls that march through the queue per team"), TODAY) is None


def test_a_ranking_count_said_in_words_is_a_number() -> None:
    assert normalise("the three busiest days of February") == "the 3 busiest days of february"
    assert normalise("top five agents by QA score") == "top 5 agents by qa score"
    assert normalise("which two agents handled the most calls") == "which 2 agents handled the most calls"
    assert normalise("the ten longest calls in March") == "the 10 longest calls in march"
    # a count that ranks nothing stays a word; so does a team name ending in "est"
    assert normalise("compare the two teams by AHT") == "compare the two teams by aht"
    assert normalise("the two teams Billing West") == "the two teams billing west"


def test_every_call_shown_is_all_of_them() -> None:
    assert normalise("show me every inbound call shorter than 60 seconds") == (
        "show me all inbound calls shorter than 60 seconds"
    )


def test_a_near_value_is_a_slip_never_another_word_or_number() -> None:
    teams = EntityIndex("team", ["Customer Care", "Billing East", "Tech Tier 1", "Tech Tier 2"])
    found = teams.find(normalise("custmer care calls"))
    assert found is not None and found.value == "Customer Care"
    found = teams.find(normalise("biling east"))
    assert found is not None and found.value == "Billing East"
    # another word ("share" for "care"), another number or none: no value
    assert teams.find(normalise("customer share of talk time per team")) is None
    assert teams.find(normalise("tech tier 3 calls")) is None
    assert teams.find(normalise("tech tier calls")) is None


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # TODAY is Wednesday 18 March: the last full week ended on Sunday 15 March
        ("calls per week for the last 6 full weeks", dt.date(2026, 2, 2), dt.date(2026, 3, 16)),
        ("calls last full week", dt.date(2026, 3, 9), dt.date(2026, 3, 16)),
        ("AHT by month over the past 2 complete months", dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
        ("calls in the last full quarter", dt.date(2025, 10, 1), dt.date(2026, 1, 1)),
    ],
)
def test_the_last_full_weeks_or_months_are_whole_units_that_ended_before_today(
    question: str, start: dt.date, end: dt.date
) -> None:
    assert _range(question) == (start, end)


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("how often does she interupt", "how often does she interrupt"),
        ("interuptions per call", "interruptions per call"),
        ("autofail rate", "auto fail rate"),
        ("autofailed evaluations", "auto failed evaluations"),
    ],
)
def test_common_misspellings_and_run_together_words_are_read_as_meant(said: str, read: str) -> None:
    assert normalise(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("calls in the wk of 3/23", "calls in the week of march 23"),
        ("since 2/15/2026", "since february 15 2026"),
        ("24/7 coverage", "24 7 coverage"),  # no month 24: as said
        ("3/5", "3 5"),  # March 5 or 3 May: as said, never a guess
    ],
)
def test_a_month_and_day_with_a_slash_are_read_only_where_the_day_cannot_be_a_month(
    said: str, read: str
) -> None:
    assert normalise(said) == read


@pytest.mark.parametrize(
    "question",
    [
        "calls for 2026-03-09 through 2026-03-15 inclusive",
        "calls 2026-03-09 to 2026-03-15",
        "calls between 2026-03-09 and 2026-03-15 inclusive",
    ],
)
def test_two_iso_days_said_as_a_span_hold_both(question: str) -> None:
    match = find_date_range(normalise(question), TODAY)
    assert match is not None and match.text.endswith(("15", "inclusive")), match
    assert _range(question) == (dt.date(2026, 3, 9), dt.date(2026, 3, 16))
