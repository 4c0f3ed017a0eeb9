"""What every answerer returns, and the interface they share.

An :class:`Answer` is either an answer (text, the SQL that ran, its rows) or a refusal (text saying why, plus
questions that can be answered). Refusals are never dressed up as answers: ``refused`` is the flag that
scripts, the evaluation harness and the chat site read.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class VerifiedQueryRef:
    """Provenance of a verified answer: which repository entry answered, and who vouched for it."""

    name: str
    question: str
    verified_by: str | None = None
    verified_at: str | None = None


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    answerer: str
    sql: str | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    refused: bool = False
    suggestions: tuple[str, ...] = ()
    verified_query: VerifiedQueryRef | None = None
    confidence: float | None = None
    session_id: str | None = None
    slots: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, decimals as numbers)."""
        return {
            "question": self.question,
            "text": self.text,
            "answerer": self.answerer,
            "refused": self.refused,
            "sql": self.sql,
            "columns": list(self.columns),
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "suggestions": list(self.suggestions),
            "verified_query": None
            if self.verified_query is None
            else {
                "name": self.verified_query.name,
                "question": self.verified_query.question,
                "verified_by": self.verified_query.verified_by,
                "verified_at": self.verified_query.verified_at,
            },
            "confidence": self.confidence,
            "session_id": self.session_id,
            "slots": dict(self.slots),
        }


def json_value(value: Any) -> Any:
    """One result cell as a JSON value."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


@runtime_checkable
class Answerer(Protocol):
    """Anything that turns a question into an :class:`Answer` (or a refusal)."""

    name: str

    def answer(self, question: str, *, session_id: str | None = None) -> Answer: ...


class AnsweringError(Exception):
    """An answerer could not run at all (misconfiguration, unreachable service), as opposed to a refusal."""


def refusal(
    question: str,
    answerer: str,
    reason: str,
    suggestions: Sequence[str] = (),
    *,
    confidence: float | None = None,
    session_id: str | None = None,
) -> Answer:
    """A plain "I can't answer that yet", with questions that can be answered."""
    return Answer(
        question=question,
        text=reason,
        answerer=answerer,
        refused=True,
        suggestions=tuple(suggestions),
        confidence=confidence,
        session_id=session_id,
    )
