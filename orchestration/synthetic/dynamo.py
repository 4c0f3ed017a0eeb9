"""Plain Python values ↔ DynamoDB's typed JSON (the form Streams, Scan and exports use)."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any


def typed(value: Any) -> dict[str, Any]:
    """``{"a": 1}`` → ``{"M": {"a": {"N": "1"}}}``. Floats are written with at most 6 decimals."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is int:
        return {"N": str(value)}
    if kind is dict:
        return {"M": {k: typed(v) for k, v in value.items()}}
    if kind is list or kind is tuple:
        return {"L": [typed(v) for v in value]}
    if kind is float:
        return {"N": _float_text(value)}
    if kind is bool:
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Decimal):
        return {"N": str(value)}
    if isinstance(value, bytes):
        return {"B": base64.b64encode(value).decode()}
    if isinstance(value, set | frozenset):
        members = sorted(value)
        if all(isinstance(m, str) for m in members):
            return {"SS": members}
        if all(isinstance(m, int | float | Decimal) and not isinstance(m, bool) for m in members):
            return {"NS": [typed(m)["N"] for m in members]}
        if all(isinstance(m, bytes) for m in members):
            return {"BS": [base64.b64encode(m).decode() for m in members]}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def typed_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: typed(v) for k, v in item.items()}


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
