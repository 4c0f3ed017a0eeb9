"""The evaluation harness forgives a parallel double sum's last bit, and nothing more."""

from __future__ import annotations

from orchestration.evaluate import gold_columns_in_answer, result_set, rows_match_within_rounding


def test_a_value_rounded_the_other_way_on_a_boundary_still_matches() -> None:
    gold = result_set([("Maya", 58.5, 20), ("Dana", 44.2, 13)])
    answer = result_set([("Dana", 44.2, 13), ("Maya", 58.4, 20)])
    assert gold != answer
    assert rows_match_within_rounding(answer, gold)


def test_a_different_number_or_label_is_still_wrong() -> None:
    gold = result_set([("Maya", 58.5, 20)])
    assert not rows_match_within_rounding(result_set([("Maya", 58.7, 20)]), gold)
    assert not rows_match_within_rounding(result_set([("Dana", 58.5, 20)]), gold)
    assert not rows_match_within_rounding(result_set([("Maya", 58.5, 21)]), gold)  # integers are exact
    assert not rows_match_within_rounding(result_set([("Maya", 58.5, 20), ("Dana", 1.0, 2)]), gold)


def test_each_expected_row_is_used_once() -> None:
    gold = result_set([("a", 1.1), ("a", 5.0)])
    assert not rows_match_within_rounding(result_set([("a", 1.1), ("a", 1.2)]), gold)


def test_an_answer_may_add_context_columns() -> None:
    gold = [("Billing", 6.2), ("Sales", 5.1)]
    answer = [("Sales", 40, 5.1), ("Billing", 55, 6.2)]  # the number of calls next to the average
    assert gold_columns_in_answer(answer, gold) == (0, 2)
    assert gold_columns_in_answer([(3000, 6.21)], [(6.2,)]) == (1,)  # one rounding unit apart


def test_extra_context_never_hides_another_shape() -> None:
    per_team = [("East", 7.0), ("West", 6.0)]
    per_agent = [("East", "Maya", 7.5), ("East", "Dana", 6.5), ("West", "Lee", 6.0)]
    assert gold_columns_in_answer(per_agent, per_team) is None  # another grouping: more rows
    agents_and_customers = [("Maya", 0.4, 0.1)]
    assert gold_columns_in_answer([("Maya", 0.4)], agents_and_customers) is None  # a column missing
    assert gold_columns_in_answer([("Maya", 0.5, 0.1)], agents_and_customers) is None  # other values
    assert gold_columns_in_answer([("Maya", 0.1, 0.4)], [("Maya", 0.4, 0.1)]) is None  # same width: strict
    assert gold_columns_in_answer([], [("Maya", 1)]) is None


def test_context_columns_are_matched_in_the_golds_order() -> None:
    gold = [("Maya", 3), ("Dana", 1)]
    assert gold_columns_in_answer([(3, "Maya", 1), (1, "Dana", 9)], gold) == (1, 0)
    assert gold_columns_in_answer([(1, "Maya", 1), (3, "Dana", 9)], gold) is None  # values on the wrong rows


def test_an_answer_rounded_coarser_than_the_gold_matches_to_its_precision() -> None:
    gold = result_set([("Dana Hall", 68.339189)])
    assert rows_match_within_rounding(result_set([("Dana Hall", 68.3)]), gold)
    assert not rows_match_within_rounding(result_set([("Dana Hall", 68.5)]), gold)
    assert not rows_match_within_rounding(
        result_set([("Dana Hall", 68.33)]), result_set([("Dana Hall", 68.35)])
    )


def test_a_midnight_timestamp_is_the_same_bucket_as_its_date() -> None:
    import datetime as dt

    assert result_set([(dt.datetime(2026, 1, 1), 91.375)]) == result_set([(dt.date(2026, 1, 1), 91.375)])
    assert result_set([(dt.datetime(2026, 1, 1, 0, 0, 1), 1)]) != result_set([(dt.date(2026, 1, 1), 1)])


def test_a_timestamp_shown_next_to_other_columns_carries_the_date_asked() -> None:
    answer = [("e1", "Dana", "2026-03-13T17:46:43", 0.0), ("e2", "Omar", "2026-03-02T09:00:00", 40.0)]
    gold = [("e1", "Dana", "2026-03-13"), ("e2", "Omar", "2026-03-02")]
    assert gold_columns_in_answer(answer, gold) is not None
    wrong_day = [("e1", "Dana", "2026-03-14T01:00:00", 0.0), ("e2", "Omar", "2026-03-02T09:00:00", 40.0)]
    assert gold_columns_in_answer(wrong_day, gold) is None
    # a timestamp asked for is never matched by its day alone
    assert gold_columns_in_answer([("e1", "2026-03-13", 1)], [("e1", "2026-03-13T17:46:43")]) is None


def test_an_answer_as_wide_as_the_gold_may_order_columns_of_different_kinds_otherwise() -> None:
    gold = [("qa.farah.khan", "2026-01-01", 35), ("qa.jamal.adams", "2026-01-01", 30)]
    answer = [("2026-01-01T00:00:00", "qa.jamal.adams", 30), ("2026-01-01T00:00:00", "qa.farah.khan", 35)]
    assert gold_columns_in_answer(answer, gold) == (1, 0, 2)
    # two numbers swapped would each be labelled as the other: still wrong
    assert gold_columns_in_answer([("Maya", 0.1, 0.4)], [("Maya", 0.4, 0.1)]) is None
    # the names on the wrong rows stay wrong
    assert (
        gold_columns_in_answer(
            [("2026-01-01", "qa.jamal.adams", 35), ("2026-01-01", "qa.farah.khan", 30)], gold
        )
        is None
    )


def test_two_text_columns_whose_values_name_themselves_may_come_in_another_order() -> None:
    gold = [("Sales Compliance", "AUTOMATED", 38), ("Sales Compliance", "MANUAL", 20)]
    answer = [("AUTOMATED", "Sales Compliance", 38), ("MANUAL", "Sales Compliance", 20)]
    assert gold_columns_in_answer(answer, gold) == (1, 0, 2)
    # two text columns holding the same values (who called whom) stay in order: either could be the other
    pairs = [("Maya", "Dana", 1), ("Dana", "Maya", 2)]
    assert gold_columns_in_answer([("Dana", "Maya", 1), ("Maya", "Dana", 2)], pairs) is None
