"""Shape an :class:`~lambdas.shared.answering.model.Answer` into the chat API's reply.

Pure functions: the row cap, the chart suggestion, provenance and follow-up questions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from lambdas.shared.answering.model import Answer, json_value

DEFAULT_MAX_ROWS = 500
MAX_FOLLOW_UPS = 3

_TIME_NAME = re.compile(r"(^|_)(date|day|week|month|quarter|year|at|time|hour)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")


def utc_now_iso(now: dt.datetime | None = None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_time_column(name: str, values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    if not present:
        return bool(_TIME_NAME.search(name.lower()))
    return all(isinstance(v, str) and _ISO_DATE.match(v) for v in present)


def suggest_chart(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """How to draw ``rows``: one number, a line over a time column, bars over a category, or just a table."""
    if not columns or not rows:
        return {"kind": "table", "x": None, "y": []}
    by_column = [[row[i] for row in rows if i < len(row)] for i in range(len(columns))]
    numeric = [
        name
        for name, values in zip(columns, by_column, strict=True)
        if any(v is not None for v in values) and all(v is None or _is_number(v) for v in values)
    ]
    if len(rows) == 1 and len(columns) == 1 and numeric:
        return {"kind": "number", "x": None, "y": numeric}
    others = [name for name in columns if name not in numeric]
    if not numeric or not others:
        if len(rows) == 1 and numeric:
            return {"kind": "number", "x": None, "y": numeric[:1]}
        return {"kind": "table", "x": None, "y": []}
    time_columns = [name for name in others if _is_time_column(name, by_column[list(columns).index(name)])]
    if time_columns and len(rows) > 1:
        return {"kind": "line", "x": time_columns[0], "y": numeric[:3]}
    return {"kind": "bar", "x": others[0], "y": numeric[:3]}


def follow_ups(answer: Answer, onboarding: Sequence[str]) -> list[str]:
    """Questions to offer next: a refusal's own suggestions, else onboarding questions not just answered."""
    if answer.suggestions:
        return list(answer.suggestions)[:MAX_FOLLOW_UPS]
    asked = {answer.question.strip().lower()}
    if answer.verified_query is not None:
        asked.add(answer.verified_query.question.strip().lower())
    return [q for q in onboarding if q.strip().lower() not in asked][:MAX_FOLLOW_UPS]


def reply_document(
    answer: Answer,
    *,
    conversation_id: str,
    message_id: str,
    question: str,
    onboarding: Sequence[str] = (),
    max_rows: int = DEFAULT_MAX_ROWS,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The ``ChatReply`` body for ``answer`` (rows capped at ``max_rows``, values JSON-ready)."""
    rows = [[json_value(v) for v in row] for row in answer.rows]
    shown = rows[:max_rows]
    ref = answer.verified_query
    return {
        "conversation_id": conversation_id,
        "message_id": message_id,
        "question": question,
        "answer": answer.text,
        "refused": answer.refused,
        "sql": answer.sql,
        "columns": list(answer.columns),
        "rows": shown,
        "total_rows": len(rows),
        "truncated": len(shown) < len(rows),
        "chart": suggest_chart(list(answer.columns), shown),
        "provenance": {
            "answerer": answer.answerer,
            "verified_query": ref.name if ref else None,
            "verified_question": ref.question if ref else None,
            "verified_by": ref.verified_by if ref else None,
            "verified_at": ref.verified_at if ref else None,
            "confidence": answer.confidence,
        },
        "suggestions": follow_ups(answer, onboarding),
        "created_at": utc_now_iso(now),
    }
