"""DynamoDB attribute values → plain JSON, exactly.

DynamoDB Streams deliver items in the typed "DynamoDB JSON" form (``{"N": "1.50"}``, ``{"SS": [...]}``). The raw
change log stores them as plain JSON text so any engine can read them with its JSON functions:

- ``S`` → string; ``BOOL`` → true/false; ``NULL`` → null; ``M`` → object; ``L`` → array;
- ``N`` → a JSON number written with the digits DynamoDB sent (up to 38 significant digits, magnitude between
  1E-130 and 9.99…E+125 — DynamoDB's own limits — never rounded through a float);
- ``B`` → the base64 text the stream carries;
- ``SS``/``NS``/``BS`` → arrays sorted (strings by code point, numbers by value, binary by byte value), so the
  same set always serialises the same way.

Anything else raises :class:`DecodeError`, which the handler turns into a quarantined record. The converter is
plain Python: :func:`item` builds plain values (numbers as :class:`orjson.Fragment` so their digits are kept) and
orjson writes the text.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")  # fits in a signed 64-bit integer
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_MAX_DIGITS = 38
# DynamoDB's number range: a non-zero magnitude from 1E-130 to 9.9999999999999999999999999999999999999E+125, i.e.
# an adjusted exponent (the exponent of the leading digit) from -130 to 125.
_MIN_EXPONENT, _MAX_EXPONENT = -130, 125


class DecodeError(ValueError):
    """A stream record or attribute value that cannot be decoded into the raw change log."""


def number(text: Any) -> int | orjson.Fragment:
    """A DynamoDB number as an exact JSON number (an int, or the literal digits as a JSON fragment).

    :class:`DecodeError` for anything that is not a number DynamoDB could hold: more than 38 significant digits,
    or a magnitude outside 1E-130 … 9.99…E+125 (``"1e400"``, ``"1e-200"``).
    """
    if type(text) is not str:
        raise DecodeError(f"N value must be a string of digits, got {type(text).__name__}")
    if _INT.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text) is None:
        try:  # DynamoDB also accepts forms such as "1e3" or ".5"; normalise them without losing digits.
            value = Decimal(text)
        except InvalidOperation:
            raise DecodeError(f"N value {text!r} is not a number") from None
        if not value.is_finite():
            raise DecodeError(f"N value {text!r} is not a finite number")
        text = format(value, "f") if -30 < value.adjusted() < 30 else str(value).replace("E", "e")
        if _NUMBER.fullmatch(text) is None:
            raise DecodeError(f"N value {text!r} is not a number")
    mantissa = text.partition("e")[0].partition("E")[0]
    digits = (
        mantissa.lstrip("-").replace(".", "").strip("0")
    )  # leading and trailing zeros are not significant
    if len(digits) > _MAX_DIGITS:
        raise DecodeError(f"N value {text!r} has more than {_MAX_DIGITS} significant digits")
    if digits:
        exponent = Decimal(text).adjusted()
        if not _MIN_EXPONENT <= exponent <= _MAX_EXPONENT:
            raise DecodeError(
                f"N value {text!r} is outside DynamoDB's number range (magnitude 1E-130 to 9.99…E+125)"
            )
    return orjson.Fragment(text)


def _binary(text: Any) -> str:
    if type(text) is not str:
        raise DecodeError(f"B value must be base64 text, got {type(text).__name__}")
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DecodeError("B value is not valid base64") from None
    return text


def _members(values: Any, kind: str) -> list[Any]:
    if type(values) is not list or not values:
        raise DecodeError(f"{kind} value must be a non-empty list")
    return values


def value(attribute: Any) -> Any:
    """Convert one typed attribute value (``{"S": "x"}``) to its plain form, validating it."""
    if type(attribute) is not dict or len(attribute) != 1:
        raise DecodeError(f"attribute value must be an object with one type key, got {attribute!r:.80}")
    ((kind, inner),) = attribute.items()
    if kind == "S":
        if type(inner) is not str:
            raise DecodeError("S value must be a string")
        return inner
    if kind == "N":
        return number(inner)
    if kind == "M":
        return item(inner)
    if kind == "L":
        if type(inner) is not list:
            raise DecodeError("L value must be a list")
        return _list(inner)
    if kind == "BOOL":
        if type(inner) is not bool:
            raise DecodeError("BOOL value must be true or false")
        return inner
    if kind == "NULL":
        if inner is not True:
            raise DecodeError("NULL value must be true")
        return None
    if kind == "B":
        return _binary(inner)
    if kind == "SS":
        strings = _members(inner, kind)
        if any(type(s) is not str for s in strings):
            raise DecodeError("SS members must be strings")
        return sorted(strings)
    if kind == "NS":
        members = _members(inner, kind)
        converted = [number(n) for n in members]  # validates every member first
        order = sorted(range(len(members)), key=lambda i: Decimal(members[i]))
        return [converted[i] for i in order]
    if kind == "BS":
        encoded = [_binary(b) for b in _members(inner, kind)]
        return sorted(encoded, key=base64.b64decode)
    raise DecodeError(f"unknown attribute type {kind!r}")


def _fast_number(text: str) -> int | orjson.Fragment | None:
    """The common shapes of N (plain integers and decimals) without a regular expression; None otherwise.

    At most 38 digits with no exponent is always within DynamoDB's range and precision.
    """
    body = text[1:] if text[:1] == "-" else text
    if body.isascii() and len(body) <= _MAX_DIGITS:
        if body.isdigit():
            if body[0] != "0" or len(body) == 1:
                return int(text) if len(body) < 19 else orjson.Fragment(text)
        else:
            whole, dot, fraction = body.partition(".")
            if dot and whole.isdigit() and fraction.isdigit() and (whole[0] != "0" or len(whole) == 1):
                return orjson.Fragment(text)
    return None


def item(attributes: Any) -> dict[str, Any]:
    """Convert a typed item or map (``{"name": {"S": "x"}, ...}``) to a plain dict.

    The common types are converted inline (this loop runs once per attribute of every image in a batch); the
    rest, and anything malformed, goes through :func:`value`, which validates and explains.
    """
    if type(attributes) is not dict:
        raise DecodeError(f"item must be an object, got {type(attributes).__name__}")
    out: dict[str, Any] = {}
    for name, attribute in attributes.items():
        try:
            ((kind, inner),) = attribute.items()
        except (AttributeError, ValueError):
            out[name] = value(attribute)  # raises a DecodeError that says what is wrong
            continue
        if kind == "S" and type(inner) is str:
            out[name] = inner
        elif kind == "N" and type(inner) is str:
            if len(inner) < 19 and inner.isdigit() and inner.isascii():
                out[name] = int(inner)  # value-exact; DynamoDB never sends leading zeros
            else:
                converted = _fast_number(inner)
                out[name] = converted if converted is not None else number(inner)
        elif kind == "M":
            out[name] = item(inner)
        elif kind == "L" and type(inner) is list:
            out[name] = _list(inner)
        elif kind == "BOOL" and type(inner) is bool:
            out[name] = inner
        elif kind == "NULL" and inner is True:
            out[name] = None
        else:
            out[name] = value(attribute)
    return out


def _list(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    append = out.append
    for attribute in values:
        try:
            ((kind, inner),) = attribute.items()
        except (AttributeError, ValueError):
            append(value(attribute))
            continue
        if kind == "M":
            append(item(inner))
        elif kind == "S" and type(inner) is str:
            append(inner)
        elif kind == "N" and type(inner) is str:
            converted = _fast_number(inner)
            append(converted if converted is not None else number(inner))
        else:
            append(value(attribute))
    return out


def plain_json(plain: dict[str, Any]) -> str:
    """A converted item (:func:`item`'s result) as compact JSON text; :class:`DecodeError` if orjson refuses it.

    A string with a lone surrogate is the case that matters: Lambda's JSON parser turns ``"\\ud800"`` into one,
    and it has no UTF-8 form, so the record is quarantined rather than failing the batch.
    """
    try:
        return orjson.dumps(plain).decode()
    except orjson.JSONEncodeError as error:
        if "UTF-8" in str(error) or "surrogate" in str(error):
            raise DecodeError(f"item is not valid UTF-8 text: {error}") from None
        raise DecodeError(f"item cannot be written as JSON: {error}") from None


def to_json(attributes: Any) -> str:
    """A typed item as compact plain JSON text (keys in the order DynamoDB sent them)."""
    return plain_json(item(attributes))
