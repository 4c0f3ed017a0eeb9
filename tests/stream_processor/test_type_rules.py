"""DynamoDB's type rules, checked on generated values against independent oracles.

Well-formed items are built from Python values with boto3's own ``TypeSerializer`` (binary as the base64 text
Lambda delivers) and read back with its ``TypeDeserializer``; numbers are checked against DynamoDB's documented
limits (38 significant digits, magnitude 1E-130 to 9.99…E+125), computed here with ``Decimal`` comparisons.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdas.stream_processor.convert import DecodeError, to_json
from lambdas.stream_processor.streams import lambda_attribute

SMALLEST = Decimal("1E-130")
TOO_LARGE = Decimal("1E126")


def dynamodb_number(text: str) -> Decimal | None:
    """The value DynamoDB would store for ``text``, or None if it would refuse it."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(digits) > 38:
        return None
    if value != 0 and not SMALLEST <= value.copy_abs() < TOO_LARGE:
        return None
    return value


ODD_NUMBERS = [
    *("0", "-0", "00", "007", "0.0", "0.50", "1.", ".5", "-.5", "1e3", "1E3", "1e+3", "-1.5e-3"),
    *("1e400", "-1e400", "1E-400", "1e125", "9.9999999999999999999999999999999999999E+125", "1e126"),
    *("1e-130", "1E-131", "-1e-130", "0.1e-129", "1" + "0" * 38, "1" + "0" * 200, "0." + "0" * 129 + "1"),
    *("0." + "0" * 128 + "1", "Infinity", "NaN", "-", "", ".", "1.2.3", "0x10", "9" * 38, "9" * 39),
    *("-" + "9" * 39, "1." + "0" * 37, "123456789012345678.5", "12345678901234567890123456789012345678.0"),
]
numbers = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.from_regex(r"-?[0-9]{0,40}(\.[0-9]{0,40})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
)


@settings(max_examples=1000, deadline=None)
@given(numbers)
def test_a_number_converts_exactly_when_dynamodb_could_hold_it_and_is_refused_otherwise(text: str) -> None:
    expected = dynamodb_number(text)
    if expected is None:
        with pytest.raises(DecodeError):
            to_json({"n": {"N": text}})
        return
    converted = json.loads(to_json({"n": {"N": text}}), parse_float=Decimal, parse_int=Decimal)["n"]
    assert converted == expected
    listed = json.loads(to_json({"l": {"L": [{"N": text}]}}), parse_float=Decimal, parse_int=Decimal)
    assert listed["l"] == [expected]


# ── Well-formed items: boto3 serialises, our converter writes, boto3's reading is the oracle ───────────────

dynamodb_numbers = st.builds(
    lambda digits, exponent: Decimal(f"{digits}E{exponent}"),  # exact: no context rounding
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.integers(min_value=-130, max_value=88),
).filter(lambda d: d == 0 or SMALLEST <= d.copy_abs() < TOO_LARGE)
strings = st.text(st.characters(exclude_categories=["Cs"]), max_size=10)
leaves = st.one_of(
    strings,
    dynamodb_numbers,
    st.booleans(),
    st.none(),
    st.binary(max_size=8).map(Binary),
    st.sets(strings, min_size=1, max_size=4),
    st.sets(dynamodb_numbers, min_size=1, max_size=4),
    st.sets(st.binary(max_size=6).map(Binary), min_size=1, max_size=4),
)
python_values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(strings, children, max_size=4)
    ),
    max_leaves=25,
)


def plain(value: Any) -> Any:
    """What the raw change log promises for a value boto3 read back."""
    if isinstance(value, Binary):
        return base64.b64encode(value.value).decode()
    if isinstance(value, set):
        members = list(value)
        if members and isinstance(members[0], Binary):
            return [base64.b64encode(b).decode() for b in sorted(m.value for m in members)]
        return sorted(members)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(strings, python_values, min_size=1, max_size=6))
def test_every_type_converts_to_what_boto3_reads_back(item: dict[str, Any]) -> None:
    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    typed = {name: serializer.serialize(value) for name, value in item.items()}
    delivered = {name: lambda_attribute(value) for name, value in typed.items()}  # binary as base64 text

    converted = json.loads(to_json(delivered), parse_float=Decimal, parse_int=Decimal)

    assert converted == {name: plain(deserializer.deserialize(value)) for name, value in typed.items()}
    assert list(converted) == list(item)  # attribute order as DynamoDB sent it
