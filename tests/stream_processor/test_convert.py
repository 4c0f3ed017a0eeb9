"""DynamoDB typed JSON → plain JSON: every attribute type, exactly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from lambdas.stream_processor.convert import DecodeError, to_json


def test_every_attribute_type_converts_to_plain_json() -> None:
    item = {
        "s": {"S": "héllo"},
        "n": {"N": "42"},
        "b": {"B": "AAEC"},
        "bool": {"BOOL": True},
        "null": {"NULL": True},
        "m": {"M": {"inner": {"S": "x"}, "deep": {"M": {"n": {"N": "-1.5"}}}}},
        "l": {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": False}, {"NULL": True}, {"L": []}, {"M": {}}]},
        "ss": {"SS": ["pear", "apple", "Zebra"]},
        "ns": {"NS": ["10", "-2.5", "3"]},
        "bs": {"BS": ["Ag==", "AQ==", "AAE="]},
    }
    assert json.loads(to_json(item)) == {
        "s": "héllo",
        "n": 42,
        "b": "AAEC",
        "bool": True,
        "null": None,
        "m": {"inner": "x", "deep": {"n": -1.5}},
        "l": ["a", 1, False, None, [], {}],
        "ss": ["Zebra", "apple", "pear"],
        "ns": [-2.5, 3, 10],
        "bs": ["AAE=", "AQ==", "Ag=="],  # sorted by byte value: 00 01, 01, 02
    }


@pytest.mark.parametrize(
    "digits",
    [
        "12345678901234567890123456789012345678",
        "-0.00000000000000000000000000000000000001",
        "3.14159265358979323846264338327950288",
        "9999999999999999999999999999999999999.9",
        "1.50",
    ],
)
def test_numbers_keep_every_digit(digits: str) -> None:
    text = to_json({"n": {"N": digits}})
    assert text == '{"n":' + digits + "}"
    assert json.loads(text, parse_float=Decimal, parse_int=Decimal)["n"] == Decimal(digits)


def test_number_sets_are_sorted_by_value_not_text() -> None:
    assert to_json({"ns": {"NS": ["100", "20", "3", "-1"]}}) == '{"ns":[-1,3,20,100]}'


def test_the_same_set_always_serialises_the_same_way() -> None:
    a = to_json({"ss": {"SS": ["b", "c", "a"]}})
    b = to_json({"ss": {"SS": ["c", "a", "b"]}})
    assert a == b == '{"ss":["a","b","c"]}'


@pytest.mark.parametrize(
    ("attribute", "reason"),
    [
        ({"N": "twelve"}, "not a number"),
        ({"N": "1" * 39}, "more than 38"),
        ({"N": "NaN"}, "finite"),
        ({"N": 5}, "string of digits"),
        ({"B": "not base64!"}, "base64"),
        ({"SS": []}, "non-empty"),
        ({"SS": ["a", 1]}, "strings"),
        ({"NS": ["1", "x"]}, "number"),
        ({"BOOL": "yes"}, "true or false"),
        ({"NULL": False}, "must be true"),
        ({"X": "?"}, "unknown attribute type"),
        ({"S": "a", "N": "1"}, "one type key"),
        ("plain", "one type key"),
    ],
)
def test_undecodable_values_raise_a_decode_error_that_says_why(attribute: object, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        to_json({"bad": attribute})


def test_item_must_be_an_object() -> None:
    with pytest.raises(DecodeError, match="item must be an object"):
        to_json(["not", "an", "item"])


@pytest.mark.parametrize(
    "item",
    [
        {"s": {"S": "a\ud800"}},
        {"\udfff": {"S": "x"}},
        {"l": {"L": [{"S": "\udbff"}]}},
        {"ss": {"SS": ["\ud800"]}},
    ],
)
def test_a_lone_surrogate_is_a_decode_error_so_the_record_is_quarantined(item: dict[str, object]) -> None:
    # Lambda's JSON parser turns "\ud800" into a str with a lone surrogate, which has no UTF-8 form.
    with pytest.raises(DecodeError, match="item is not valid UTF-8 text"):
        to_json(item)
