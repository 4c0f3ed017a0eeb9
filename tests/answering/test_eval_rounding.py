"""The evaluation harness forgives a parallel double sum's last bit, and nothing more."""

from __future__ import annotations

from orchestration.evaluate import result_set, rows_match_within_rounding


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
