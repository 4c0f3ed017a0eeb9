"""The roster of agents ("who is on the Tech Tier 1 team?", "list the agents on Tech Tier 2 with the date of their
first call and their total calls", "first and last call dates for Leo Wilson"), from the `agents` mart: each
agent's name, id and team (as on their latest call), their first and last call and the calls they handled.

A roster is filtered by a team or an agent found in the data, and nothing else: every other word must be a word of
the roster (its columns, "who is on", "list the agents"), or it is no roster question and the other readers take
it ("the agents on Tech Tier 1 with the most calls" ranks agents by a metric, "how many agents are on Tech Tier 1"
counts them). The SQL runs through the shared guard like every answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lambdas.shared.answering.slots import normalise

AGENTS_TABLE = "agents"
COLUMNS = ("agent_name", "agent_id", "team", "first_call_at", "last_call_at", "call_count")
FILTERED = ("team", "agent")  # the value kinds a roster is filtered by, as the question reader labels them
_COLUMN_OF = {"team": "team", "agent": "agent_name"}

# The questions that ask for the roster: people on a team, agents listed, or an agent's first or last call
_CUE = re.compile(
    r"\bwho(?:\s*(?:is|s|are|['’]s))?\s+(?:on|in)\b"
    r"|\b(?:list|show|give\s+me|display|pull)\b(?:\s+\S+){0,4}?\s+(?:agents|reps|people|members|staff)\b"
    r"|\b(?:agents|reps)\s+(?:on|in)\b.*\bwith\s+(?:their|the)\b"
    r"|\bfirst\s+(?:and\s+(?:the\s+)?last\s+)?calls?\s+(?:dates?|days?|timestamps?|times?)\b"
    r"|\b(?:date|day|time)\s+of\s+(?:their|his|her)\s+first\s+call\b"
    r"|\b(?:take|took|made|make|handle|handled)\s+(?:their|his|her)\s+first\s+call\b"
    r"|\bwith\s+(?:their|the)\s+first\s+(?:and\s+last\s+)?call\b",
    re.IGNORECASE,
)
# Phrases naming the roster's columns or asking for it, taken whole before single words
_PHRASES = re.compile(
    r"\bhow\s+many\s+calls\s+(?:they|he|she|each)\s*(?:ve|have|has|s)?\s*(?:handled|taken|took|made|done)\b"
    r"|\b(?:their\s+|the\s+)?(?:total\s+(?:number\s+of\s+)?calls|calls\s+handled|call\s+counts?|number\s+of\s+calls)\b"
    r"|\bfirst\s+(?:and\s+(?:the\s+)?last\s+)?calls?\b|\blast\s+calls?\b"
    r"|\bagent\s+ids?\b|\bwho\s*(?:is|s|are)\b|\bgive\s+me\b"
)
# Single words of a roster question: its verbs, nouns and fillers (never a count, a rank or a measure)
_WORDS = frozenset(
    {
        "list", "show", "display", "pull", "who", "whos", "is", "s", "are", "on", "in", "of", "the", "a", "an",
        "team", "teams", "agents", "agent", "reps", "rep", "people", "members", "staff", "names", "name", "just",
        "only", "ids", "id", "with", "their", "his", "her", "and", "plus", "date", "dates", "day", "days", "time",
        "times", "timestamp", "timestamps", "what", "which", "when", "did", "do", "does", "each", "every", "all",
        "take", "took", "taken", "make", "made", "pls", "please", "for", "me", "there", "currently", "now",
        "we", "have", "has", "our", "my", "at",
    }
)  # fmt: skip


def looks_like_an_agent_list(question: str) -> bool:
    """Whether ``question`` asks for the roster (then :class:`AgentListReader` reads it, or another reader does)."""
    return _CUE.search(normalise(question)) is not None


@dataclass(frozen=True)
class AgentList:
    """The agents of the roster, filtered by (label, column, value) found in the data."""

    filters: tuple[tuple[str, str, str], ...] = ()
    limit: int | None = None
    period: None = None  # a roster has no period: every call an agent handled

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS

    def where(self) -> str:
        from lambdas.shared.answering.semantic import sql_string

        parts = [f"{column} = {sql_string(value)}" for _, column, value in self.filters]
        return (" WHERE " + " AND ".join(parts)) if parts else ""

    def sql(self, database: str, max_rows: int) -> str:
        return (
            f"SELECT {', '.join(COLUMNS)} FROM {database}.{AGENTS_TABLE}{self.where()} "
            f"ORDER BY agent_name, agent_id LIMIT {max_rows}"
        )

    def count_sql(self, database: str) -> str:
        return f"SELECT COUNT(*) AS agents FROM {database}.{AGENTS_TABLE}{self.where()}"

    def describe(self) -> str:
        said = ", ".join(f"{label} = {value}" for label, _, value in self.filters)
        return f"Agents{' with ' + said if said else ''} (every call they handled)"


class AgentListReader:
    """Reads a roster question with the question reader's values found in the data."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader

    def read(self, question: str) -> AgentList | None:
        """The roster asked for, or None when a word of ``question`` is no word of a roster."""
        from lambdas.shared.answering.semantic import (
            _ACTIVITIES,
            _ASKER_WORDS,
            _HEADING,
            _ROLES_AND_PURPOSES,
            _Text,
        )

        text = _Text(normalise(question))
        # a heading of who asks or what for ("Onboarding to Tech Tier 2 — list the agents on the team …"): its
        # words say nothing of the roster, its value is the filter
        allowed = set(_WORDS)
        heading = _HEADING.match(question)
        if heading is not None:
            said = set(normalise(heading.group("head")).split())
            if said <= _ASKER_WORDS | _ACTIVITIES | _ROLES_AND_PURPOSES | {"to", "new"} | self._value_words():
                allowed |= said
        filters: list[tuple[str, str, str]] = []
        for label in FILTERED:
            index = self.reader.indexes.get(label)
            found = index.find(text.remaining()) if index is not None else None
            if found is None:
                continue
            if not text.free(found.start, found.end):
                return None
            filters.append((label, _COLUMN_OF[label], self.reader._canonical(label, found.value)))
            text.take(found.start, found.end)
        text.take_all(_PHRASES)
        left = [word for _, word in text.words_left()]
        if any(word not in allowed for word in left):
            return None
        return AgentList(filters=tuple(filters))

    def _value_words(self) -> set[str]:
        """The words of the teams' and agents' names."""
        return {
            word
            for label in FILTERED
            if (index := self.reader.indexes.get(label)) is not None
            for value in index.values
            for word in value.normalised.split()
        }
