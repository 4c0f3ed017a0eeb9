"""The ``verified`` answerer: offline, deterministic, and the first one asked.

It matches a question to an entry of the verified-query repository (``docs/verified-queries.md``), reads the
entry's typed parameters out of the question (dates, direction, top-N, agent/team/queue names resolved
against values read from the data), renders the SQL with typed literals (the shared renderer), passes it
through the shared SQL guard and runs it on the engine. Below the matcher's threshold it refuses and offers
the closest onboarding questions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdas.shared.answering.matcher import Candidate, Matcher, MatchResult
from lambdas.shared.answering.model import Answer, VerifiedQueryRef, json_value, refusal
from lambdas.shared.answering.slots import (
    DateRange,
    EntityIndex,
    SlotMatch,
    asks_for_one,
    normalise,
    period_before,
    ranking_agrees,
)

ENTITY_KINDS = ("agent", "team", "queue")
# A question that asks for a figure: a count, a share, an average or a total
_AGGREGATE_ASKED = re.compile(
    r"\b(?:how\s+many|number\s+of|count\s+of|(?:what|which)\s+(?:percent|percentage|share|proportion|fraction)"
    r"|(?:percent|percentage|share|proportion|fraction)\s+of|average|total)\b"
)
SLOT_KINDS = ("date_range", "direction", "top_n", *ENTITY_KINDS)

# Where each entity kind's known values are read from (mart, column) in the curated database.
ENTITY_SOURCES: dict[str, tuple[str, str]] = {
    "agent": ("calls", "agent_name"),
    "team": ("calls", "team"),
    "queue": ("calls", "queue"),
}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any
    description: str = ""


@dataclass(frozen=True)
class VerifiedQuerySpec:
    """One entry of the compiled repository, as the answerer needs it."""

    name: str
    question: str
    paraphrases: tuple[str, ...]
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    verified_by: str | None
    verified_at: str | None
    onboarding: bool

    @classmethod
    def from_document(cls, entry: Mapping[str, Any]) -> VerifiedQuerySpec:
        return cls(
            name=str(entry["name"]),
            question=str(entry["question"]),
            paraphrases=tuple(str(p) for p in entry.get("paraphrases", [])),
            description=str(entry.get("description", "")),
            parameters=tuple(
                Parameter(str(p["name"]), str(p["type"]), p.get("default"), str(p.get("description", "")))
                for p in entry.get("parameters", [])
            ),
            columns=tuple(str(c["name"]) for c in entry.get("columns", [])),
            verified_by=entry.get("verified_by"),
            verified_at=None if entry.get("verified_at") is None else str(entry["verified_at"]),
            onboarding=bool(entry.get("use_as_onboarding_question", False)),
        )

    def candidate(self) -> Candidate:
        kinds = tuple(dict.fromkeys(p.type for p in self.parameters if p.type in SLOT_KINDS))
        return Candidate(self.name, self.question, self.paraphrases, kinds, self.onboarding)

    @property
    def lists_rows(self) -> bool:
        """Whether the query lists single calls or evaluations (its rows carry their ids), not figures."""
        return bool({"call_id", "evaluation_id"} & set(self.columns))

    def ref(self) -> VerifiedQueryRef:
        return VerifiedQueryRef(self.name, self.question, self.verified_by, self.verified_at)


def load_specs(path: Path) -> list[VerifiedQuerySpec]:
    """The entries of a compiled repository file (``verified_queries.<target>.json``)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [VerifiedQuerySpec.from_document(entry) for entry in document["queries"]]


# (query name, parameter values, today) -> SQL for the engine's dialect, with typed literals
Renderer = Callable[[str, Mapping[str, Any], dt.date], str]


@dataclass(frozen=True)
class ExecutedQuery:
    sql: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    # rows the query returns without its LIMIT, when the same execution counted them; None when not counted
    total_rows: int | None = None


# Guard and run SQL: raises on a rejected or failed query.
Runner = Callable[[str], ExecutedQuery]


def parameter_values(spec: VerifiedQuerySpec, slots: Mapping[str, SlotMatch]) -> dict[str, Any]:
    """Values for the query's parameters from the slots found in the question (others take defaults)."""
    values: dict[str, Any] = {}
    used: set[str] = set()
    for parameter in spec.parameters:
        slot = slots.get(parameter.type)
        if slot is None or parameter.type in used:
            continue
        used.add(parameter.type)
        if isinstance(slot.value, DateRange):
            period = slot.value
            values[parameter.name] = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        else:
            values[parameter.name] = slot.value
    return values


ALL_DATA = "all_time"


def parameter_values_for_question(spec: VerifiedQuerySpec, slots: Mapping[str, SlotMatch]) -> dict[str, Any]:
    """:func:`parameter_values`, with no silent narrowing: a question without a period means all data."""
    values = parameter_values(spec, slots)
    for parameter in spec.parameters:
        if parameter.type == "date_range" and parameter.name not in values:
            values[parameter.name] = ALL_DATA
    return values


def unasked_defaults(spec: VerifiedQuerySpec, slots: Mapping[str, SlotMatch]) -> list[Parameter]:
    """Parameters the question did not fill whose default narrows the answer (a top-N, a row count)."""
    return [
        p
        for p in spec.parameters
        if p.type not in slots and p.default is not None and p.type not in ("date_range",)
    ]


def describe_slots(spec: VerifiedQuerySpec, slots: Mapping[str, SlotMatch]) -> dict[str, str]:
    described: dict[str, str] = {}
    for parameter in spec.parameters:
        slot = slots.get(parameter.type)
        if slot is None:
            if parameter.type == "date_range":
                described[parameter.name] = "all data (no period in the question)"
            elif parameter.default is not None:
                described[parameter.name] = f"{parameter.default} (default)"
            continue
        value = slot.value
        described[parameter.name] = value.describe() if isinstance(value, DateRange) else str(value)
    return described


def _format_value(value: Any) -> str:
    value = json_value(value)
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def summarise(spec: VerifiedQuerySpec, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-language first line for the result."""
    if not rows:
        return "No rows match."
    if len(rows) == 1 and len(columns) == 1:
        return f"{_format_value(rows[0][0])} ({columns[0]})."
    first = ", ".join(f"{c} = {_format_value(v)}" for c, v in zip(columns, rows[0], strict=False))
    noun = "row" if len(rows) == 1 else "rows"
    return f"{len(rows)} {noun}; first: {first}."


@dataclass
class VerifiedAnswerer:
    specs: Sequence[VerifiedQuerySpec]
    render: Renderer
    run: Runner
    entity_values: Mapping[str, Iterable[str]] = field(default_factory=dict)
    today: Callable[[], dt.date] = field(default=lambda: dt.datetime.now(dt.UTC).date())
    threshold: float = 0.8
    suggestions_count: int = 3
    # rows the query would return without its LIMIT (to say "first N of M"); None when unknown
    count_rows: Callable[[str, int], int | None] | None = None
    # the first day the data holds (None: unknown): a period wholly before it is refused, never answered as 0
    first_day: Callable[[], dt.date | None] = field(default=lambda: None)
    name: str = "verified"

    def __post_init__(self) -> None:
        self._by_name = {spec.name: spec for spec in self.specs}
        self._phrasings = {s.name: [normalise(p) for p in (s.question, *s.paraphrases)] for s in self.specs}
        entities = {kind: EntityIndex(kind, values) for kind, values in self.entity_values.items()}
        candidates = [s.candidate() for s in self.specs]
        self.matcher = Matcher(candidates, entities=entities, threshold=self.threshold)

    def match(self, question: str) -> MatchResult:
        return self.matcher.match(question, self.today())

    def answer(self, question: str, *, session_id: str | None = None) -> Answer:
        today = self.today()
        result = self.matcher.match(question, today)
        if result.best is None:
            suggestions = self.matcher.suggestions(question, today, self.suggestions_count, result.ranked)
            top = result.ranked[0].score if result.ranked else 0.0
            return refusal(
                question,
                self.name,
                f"I can't answer that yet. {result.reason} Try one of the questions below.",
                suggestions,
                confidence=top,
                session_id=session_id,
            )
        spec = self._by_name[result.best.candidate.name]
        slots = dict(result.best.slots)
        why = self._shape_mismatch(spec, question, slots)
        if why is not None:
            return refusal(
                question,
                self.name,
                f"I can't answer that yet. {why} Try one of the questions below.",
                self.matcher.suggestions(question, today, self.suggestions_count, result.ranked),
                confidence=result.best.score,
                session_id=session_id,
            )
        early = self._before_the_data(slots)
        if early is not None:
            return refusal(
                question,
                self.name,
                early,
                self.matcher.suggestions(question, today, self.suggestions_count, result.ranked),
                confidence=result.best.score,
                session_id=session_id,
            )
        sql = self.render(spec.name, parameter_values_for_question(spec, slots), today)
        executed = self.run(sql)
        described = describe_slots(spec, slots)
        context = "; ".join(f"{name}: {value}" for name, value in described.items())
        text = self._scope(spec, slots, executed) + summarise(spec, executed.columns, executed.rows)
        text += f"\nAnswered with the verified query “{spec.question}” ({spec.name})"
        text += f", {context}." if context else "."
        return Answer(
            question=question,
            text=text,
            answerer=self.name,
            sql=executed.sql,
            columns=executed.columns,
            rows=executed.rows,
            verified_query=spec.ref(),
            confidence=result.best.score,
            session_id=session_id,
            slots=described,
        )

    def _before_the_data(self, slots: Mapping[str, SlotMatch]) -> str | None:
        """Why the question's period cannot be answered: it ends before the first day the data holds (calls in
        December 2025 when the data starts in 2026 would read as none); None otherwise."""
        periods = [s.value for s in slots.values() if isinstance(s.value, DateRange)]
        if not periods:
            return None
        first = self.first_day()
        early = period_before(periods, first)
        if first is None or early is None:
            return None
        return (
            f"I can't answer that from the data. It starts on {first.isoformat()}: {early.describe()} is "
            "before it, so there is nothing to count there."
        )

    def _shape_mismatch(
        self, spec: VerifiedQuerySpec, question: str, slots: dict[str, SlotMatch]
    ) -> str | None:
        """Why the matched query's rows are not the answer's shape, or None; a single first of a ranking the
        question asks for is set as its top-N in ``slots``."""
        text = normalise(question)
        if spec.lists_rows and _AGGREGATE_ASKED.search(normalise(question.replace("%", " percent "))):
            # "what % of calls had long silence": a figure, never the list of those calls
            return f"It asks for a count or share, and the verified query “{spec.question}” lists rows."
        if not ranking_agrees(text, self._phrasings[spec.name]):
            return f"It ranks by something the verified query “{spec.question}” does not order by."
        if "top_n" not in slots and asks_for_one(text):
            # "which team has the lowest score": the first of the ranking, never the whole list
            if not any(p.type == "top_n" for p in spec.parameters):
                return (
                    f"It asks for the single first of a ranking, and the verified query “{spec.question}” lists "
                    "every row."
                )
            slots["top_n"] = SlotMatch("top_n", 1, 0, 0, "the single first")
        return None

    def _scope(self, spec: VerifiedQuerySpec, slots: Mapping[str, SlotMatch], executed: ExecutedQuery) -> str:
        """What the answer covers that the question did not say: all data, a default top-N, a row cap."""
        parts: list[str] = []
        if any(p.type == "date_range" for p in spec.parameters) and "date_range" not in slots:
            parts.append("All data (no period in the question)")
        defaults = unasked_defaults(spec, slots)
        shown = len(executed.rows)
        total = executed.total_rows
        if total is None and self.count_rows is not None and shown:
            total = self.count_rows(executed.sql, shown)
        if total is not None and total > len(executed.rows):
            cap = f"first {len(executed.rows):,} of {total:,} rows"
            named = [f"{p.name} = {p.default}" for p in defaults if p.type == "top_n"]
            parts.append(cap + (f" ({named[0]}: a default, the question named no number)" if named else ""))
        return "; ".join(parts) + (": " if parts else "")
