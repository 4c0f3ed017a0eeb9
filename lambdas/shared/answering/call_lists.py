"""Lists of calls ("the 10 most recent calls in category billing-dispute", "calls longer than 20 minutes last
week", "calls with negative customer sentiment yesterday"), read with the semantic layer's vocabulary.

What a list shows and what it can filter or sort on come from the ``calls`` semantic model: its
``config.meta.list_columns`` and ``recency``, and its per-call dimensions (``meta.per_call``: their
expression, ``unit`` and synonyms). Filters on values found in the data are the same as the metric reader's
(agent, team, queue, direction on the call; category through the categories' table). As with metrics, every
word must be accounted for, or the question is refused; the SQL runs through the shared guard.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from lambdas.shared.answering.matcher import STOPWORDS
from lambdas.shared.answering.slots import DateRange, find_date_range, find_direction, find_top_n, normalise

CALLS_MODEL = "calls"
_AGGREGATE = re.compile(
    r"\b(?:how\s+many|number|count|counts|average|avg|mean|median|total|totals|sum|share|percentage|percent"
    r"|proportion|rate|ratio|per|by|each|every|trend|distribution|volume|top|bottom|agents|teams|queues"
    r"|evaluators|categories|aht|asa)\b"
)
_LIST_CUE = re.compile(
    r"\b(?:list|show|display|give\s+me|find|pull)\b(?:\s+\S+){0,4}?\s+calls\b|\b(?:which|what)\s+calls\b"
    r"|\b(?:most\s+recent|recent|latest|newest|oldest|earliest|longest|shortest|last)\b(?:\s+\S+){0,3}?\s+calls?\b"
    r"|\bcalls\s+(?:with|where|whose|longer|shorter|lasting|that\s+lasted|that\s+had|over|under)\b"
    r"(?<!over)(?<!under)|\bcalls\s+(?:over|under)\b(?!\s+(?:the|past|last|this)\b)"
    r"|\bcalls\b.*\b(?:over|above|more\s+than|greater\s+than|longer\s+than|exceeding|at\s+least|under|below"
    r"|less\s+than|shorter\s+than|at\s+most)\s+(?:minus\s+)?\d|\bcalls\b.*\b(?:negative|positive)\b"
    # "Billing queue calls in March with a CSAT of 1: show call id, agent name and date"
    r"|\bcalls\b.*\b(?:show|list|display)\s+(?:the\s+|their\s+)?call\s+ids?\b"
    # "escalation-request calls yesterday — call id, team and customer sentiment please": the columns named
    r"|\bcalls\b.*\bcall\s+ids?\s+(?:and|agent|team|queue|date|time|topic|customer|handle|hold|csat|sentiment)\b"
)
# Minutes in one of each time unit a question may name
UNIT_MINUTES = {
    "second": 1 / 60,
    "seconds": 1 / 60,
    "sec": 1 / 60,
    "secs": 1 / 60,
    "minute": 1.0,
    "minutes": 1.0,
    "min": 1.0,
    "mins": 1.0,
    "hour": 60.0,
    "hours": 60.0,
    "hr": 60.0,
    "hrs": 60.0,
}
_UNIT = r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)"
_NUMBER = r"(?P<neg>minus\s+)?(?P<n>\d{1,5}(?:\.\d+)?)"
_GREATER = {
    "over",
    "above",
    "more than",
    "greater than",
    "longer than",
    "exceeding",
    "at least",
    "lasting over",
}
# "an average handle time over 10 minutes" compares a metric per group, never one call's value
# "… with the handle time and sentiment of each — earliest first": each listed call's, closing a clause
_OF_EACH = (
    r"\b(?:of|for|on)\s+each(?:\s+(?:one|call|of\s+them))?(?=\s*(?:[—–,.;!?(]|\s-\s|$)|\s+(?:earliest|oldest|newest"
    r"|latest|most\s+recent|longest|shortest|sorted|ordered|please|pls)\b)"
)
_AGGREGATES = ("average", "avg", "mean", "median", "typical", "total")
_NOT_AGGREGATED = "".join(f"(?<!{word} )" for word in _AGGREGATES)


def _one_rows(text: Any, pattern: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` on the words left, in order, each still free when reached, but none that an
    aggregate word names within the three words before it ("the average QA score is under 70": a metric)."""
    for m in list(re.finditer(pattern, text.remaining())):
        if not text.free(m.start(), m.end()):
            continue
        if set(text.remaining()[: m.start()].split()[-3:]) & set(_AGGREGATES):
            continue
        yield m


# A time named just before a bare comparison of time ("talk time more than 5 minutes"): what it compares
# An average said right before the time a bound follows ("average after-call work over 90 seconds")
_AVERAGE_BEFORE = re.compile(r"\b(?:average|avg|mean|median)\s+(?:[a-z]+\s+){1,4}$")
_QUALIFIED_TIME = re.compile(
    r"\b(?:time|talk|talking|speaking|work|wrap\s*up|acw|silence|wait|waiting|hold|speed|pace)\s+(?:was\s+|is\s+|of\s+)?$"
)


# A comparison's words, and those of them that mean "greater": shared with conditions on a metric per group
COMPARISON = r"(?P<op>over|above|more\s+than|greater\s+than|higher\s+than|exceeding|at\s+least|under|below|less\s+than|fewer\s+than|lower\s+than|at\s+most)"
GREATER_WORDS = frozenset(
    {"over", "above", "more than", "greater than", "higher than", "exceeding", "at least"}
)
_OPS = (
    r"(?P<op>over|above|more\s+than|greater\s+than|longer\s+than|exceeding|at\s+least|under|below|less\s+than"
    r"|fewer\s+than|shorter\s+than|at\s+most|lasting\s+over|lasting\s+under|within)"
)
# "a CSAT of 1 or 2", "CSAT 4 or 5", "a CSAT of 4 or more": values of a unitless per-call value, read as a range
_EQUALS = (
    r"(?:\s+(?:of|was|is|=|equal\s+to|rated|scored|at))?\s+(?:an?\s+)?(?:perfect\s+)?(?P<n>\d{1,3})"
    r"(?P<rest>(?:\s*,\s*\d{1,3})*(?:\s+(?:or|and|to)\s+\d{1,3}))?"
    r"(?:\s+(?:percent\s+)?or\s+(?P<dir>more|higher|above|better|greater|less|lower|below|worse|fewer))?\b"
)
_PERCENT = r"(?:\s*(?:percent|pc|%))?"
_LIST_WORDS = frozenset(
    {
        "call",
        "calls",
        "list",
        "show",
        "display",
        "give",
        "find",
        "pull",
        "all",
        "had",
        "has",
        "have",
        "lasted",
        "lasting",
        "whose",
        "handled",
        "taken",
        "took",
        "made",
        "came",
        "received",
        "up",
        "customer",
        "customers",
        "gave",
        "got",
        "showing",  # "…, showing the agent's name and the date"
    }
)


# Words naming a column every list of calls shows (its agent, queue, start): a lookup that names one keeps the row
_CALL_COLUMN_WORDS = re.compile(r"\b(?:who|agent|agents|rep|queue|queues|when|date|time|started|start)\b")

# Columns of one call looked up by its id that are no dimension: (how they are asked for, the column)
_CALL_TEXT = (
    (r"categories|category|categorised|categorized|match|matched|hit|flagged|tagged|tags", "categories"),
    (r"summary\s+(?:say|said|says)|summary|summarised|summarized|summarise|summarize", "summary_text"),
    (r"resolved|resolution", "summary_resolved"),
    (r"about", "summary_topic"),
    # its submitted evaluations' average score ("the QA score of call …"); empty when it was not evaluated
    (
        r"qa\s+scores?|evaluation\s+scores?|quality\s+scores?|scored|score|scores",
        "(SELECT AVG(evaluated.score_percent) FROM {database}.scorecards AS evaluated WHERE evaluated.call_id = "
        "calls.call_id AND evaluated.evaluation_status = 'SUBMITTED') AS qa_score",
    ),
)


# One call's insights asked for by kind ("what issue did the customer raise on call …", "what did the agent
# promise to do on call …"): (how they are asked for, the insight type; "" for every type)
_CALL_INSIGHTS = (
    (r"(?:customer\s+)?issues?|problems?", "ISSUE"),
    (
        r"action\s+items?|(?:the\s+)?agent\s+(?:promise|promised|commit\s+to|committed\s+to)(?:\s+to\s+do)?",
        "ACTION_ITEM",
    ),
    (r"outcomes?", "OUTCOME"),
    (r"insights?", ""),
)
# Words that say the insights were raised or are wanted as text, once a kind is named
_INSIGHT_WORDS = r"(?:the\s+)?(?:customer|caller)\s+(?:raise|raised|mention|mentioned|bring\s+up|brought\s+up)|raise|raised|mentioned|texts?|wording"


def calls_listed_by(manifest: Any, label: str, database: str) -> str:
    """The calls a table about calls (categories, insights) lists with values of its ``label`` dimension, as
    ``SELECT <call column> FROM <database>.<table> WHERE <column> IN ({values})``; empty when no such table has
    that dimension."""
    for d in manifest.dimensions:
        column = manifest.entity_exprs.get(d.semantic_model, {}).get("call")
        if d.label != label or column is None or manifest.primary_entity.get(d.semantic_model) == "call":
            continue
        table = manifest.tables.get(d.semantic_model, d.semantic_model)
        return f"SELECT {column} FROM {database}.{table} WHERE {d.expr} IN ({{values}})"
    return ""


# Dimensions a list filters by value, never shows as a named column of one call
_BY_VALUE = frozenset({"direction", "agent", "team", "queue"})


@dataclass(frozen=True)
class PerCall:
    name: str
    label: str
    description: str
    expr: str
    unit: str
    signed: bool
    longer: bool
    phrases: tuple[str, ...]
    # rows may have no value (a CSAT only where the survey was answered), and how analysts name those that do
    answered: tuple[str, ...] = ()
    percent: bool = False  # a percentage: "70%" / "70 percent" is the number 70
    after: tuple[str, ...] = ()  # words that may close a comparison ("more than 2 minutes in the queue")
    none: tuple[str, ...] = ()  # phrases for a value of 0 or less ("matched no category")


@dataclass(frozen=True)
class ListQuery:
    """A list of calls: the model's list columns, then the per-call values filtered or sorted on."""

    table: str
    columns: tuple[str, ...]
    recency: str
    date_column: str
    shown: tuple[PerCall, ...] = ()
    conditions: tuple[tuple[PerCall, str, float], ...] = ()  # (value, operator, number in its unit)
    filters: tuple[tuple[str, str, str], ...] = ()  # (label, column or "in:<subquery>", value)
    period: DateRange | None = None
    order: tuple[str, bool] = ("", True)  # (per-call name or "" for recency, descending)
    limit: int | None = None
    notes: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()  # further columns of the calls table, as "<expr> AS <name>"
    # (a yes/no column or a condition over a column, its label, the answer asked for)
    flags: tuple[tuple[str, str, bool], ...] = ()
    # bounds on the hour of day the call started ("between midnight and 6am"), as the semantic reader reads
    # them (ops ending in "|" run past midnight: either holds), and that hour's expression
    hours: tuple[tuple[str, float], ...] = ()
    hour_expr: str = ""

    def where(self, database: str) -> str:
        from lambdas.shared.answering.semantic import sql_string

        parts: list[str] = [
            f"({column})" if wanted else f"NOT ({column})" for column, _, wanted in self.flags
        ]
        if self.hours:
            within = [f"{self.hour_expr} {op} {int(n)}" for op, n in self.hours if not op.endswith("|")]
            across = [f"{self.hour_expr} {op[:-1]} {int(n)}" for op, n in self.hours if op.endswith("|")]
            parts += [f"({c})" for c in within]
            if across:
                parts.append("(" + " OR ".join(across) + ")")
        if self.period is not None:
            parts.append(f"{self.date_column} >= DATE '{self.period.start.isoformat()}'")
            parts.append(f"{self.date_column} < DATE '{self.period.end.isoformat()}'")
        for per_call, op, number in self.conditions:
            parts.append(f"({per_call.expr}) {op} {number!r}")
        for _, column, found in self.filters:
            if column.startswith("in:"):
                parts.append(column[3:].format(database=database, values=sql_string(found)))
            else:
                parts.append(f"{column} = {sql_string(found)}")
        return (" WHERE " + " AND ".join(parts)) if parts else ""

    def sql(self, database: str, max_rows: int) -> str:
        select = (
            list(self.columns)
            + [column.replace("{database}", database) for column in self.extra]
            + [f"{value.expr} AS {value.name}" for value in self.shown]
        )
        name, descending = self.order
        direction = "DESC" if descending else "ASC"
        order = (
            f"{name} {direction}, {self.recency} DESC" if name else f"{self.recency} {direction}"
        ) + ", call_id"
        limit = min(self.limit, max_rows) if self.limit is not None else max_rows
        return (
            f"SELECT {', '.join(select)} FROM {database}.{self.table}{self.where(database)} "
            f"ORDER BY {order} LIMIT {limit}"
        )

    def count_sql(self, database: str) -> str:
        return f"SELECT COUNT(*) AS calls FROM {database}.{self.table}{self.where(database)}"


@dataclass(frozen=True)
class ListReading:
    query: ListQuery | None
    reason: str = ""
    unknown: tuple[str, ...] = ()


def per_call_values(manifest: Any, *, every_table: bool = False) -> list[PerCall]:
    """The per-row values (``meta.per_call``) of the calls semantic model, or of every semantic model (an
    evaluation's score: "evaluations scoring under 70")."""
    return [
        PerCall(
            d.name,
            d.label,
            d.description,
            d.expr,
            d.unit,
            d.signed,
            d.longer,
            d.phrases,
            d.answered,
            d.percent,
            d.after,
            d.none,
        )
        for d in manifest.dimensions
        if (every_table or d.semantic_model == CALLS_MODEL) and d.per_call
    ]


def _trailing(value: PerCall, required: bool = False) -> str:
    """Words that may close a comparison on ``value`` (``meta.after``): "waited more than 2 minutes in the
    queue", "did more than 60% of the talking"."""
    if not value.after:
        return ""
    return rf"(?:\s+{_alternatives(value.after)}){'' if required else '?'}"


def read_conditions(text: Any, values: list[PerCall]) -> list[tuple[PerCall, str, float]] | str:
    """Comparisons on per-call values, consumed from ``text`` (a ``semantic._Text``): "handle time over 30
    minutes", "longer than 20 minutes" (the value marked ``longer``), "customer sentiment below -3" (after
    ``minus`` replaced the sign), "negative customer sentiment". A string says why one cannot be read."""
    conditions: list[tuple[PerCall, str, float]] = []
    # a value named before its comparison first ("handle time over 30 minutes"), then a bare comparison
    # of time ("longer than 20 minutes": the call's duration)
    phrases = sorted(
        ((value, phrase) for value in values for phrase in value.phrases), key=lambda pair: -len(pair[1])
    )
    named = [
        (
            value,
            rf"\b(?:an?\s+|the\s+)?{_NOT_AGGREGATED}{_alternatives((phrase,))}\s+(?:was\s+|is\s+|of\s+|for\s+)?"
            rf"{_OPS}\s+{_NUMBER}(?:\s+{_UNIT})?{_PERCENT if value.percent else ''}{_trailing(value)}\b",
        )
        for value, phrase in phrases
    ]
    # "spent over 5 minutes on hold": the place after the time names the value
    placed = [
        (
            value,
            rf"\b(?:(?:spent|spend|waited|wait|were|was)\s+)?{_OPS}\s+{_NUMBER}\s+{_UNIT}{_trailing(value, True)}\b",
        )
        for value in values
        if _trailing(value)
    ]
    # "ran over 20 minutes of handle time": the value named after the time
    named_after = [
        (
            value,
            rf"\b(?:(?:last|lasted|lasting|ran|run|took|take|had|with)\s+)?{_OPS}\s+{_NUMBER}\s+{_UNIT}\s+(?:of|in)\s+"
            rf"(?:the\s+|their\s+|its\s+)?{_alternatives((phrase,))}\b",
        )
        for value, phrase in phrases
        if value.unit
    ]
    bare = [
        (value, rf"\b(?:(?:last|lasted|lasting|ran|run|took|take)\s+)?{_OPS}\s+{_NUMBER}\s+{_UNIT}\b")
        for value in values
        if value.longer
    ]
    for value, phrase in phrases:
        if value.unit:
            continue
        after = _PERCENT + r"(?!\s*\.\d)" if value.percent else r"(?!\s*(?:percent|%|\.\d))"
        pattern = (
            rf"\b(?P<verb>(?:gave|give|rated|with)\s+(?:an?\s+)?)?(?:an?\s+|the\s+)?{_NOT_AGGREGATED}"
            rf"{_alternatives((phrase,))}"
            rf"{_EQUALS}{after}"
        )
        for m in _one_rows(text, pattern):
            if not (
                m.group("verb")
                or m.group("rest")
                or m.group("dir")
                or re.search(r"(?:^|\s)(?:of|was|is|=|to|rated|scored|at|an?|perfect)\s", m.group(0))
            ):
                continue  # "CSAT 2026": a bare number after the value is no comparison
            numbers = sorted(
                {int(m.group("n"))} | {int(n) for n in re.findall(r"\d+", m.group("rest") or "")}
            )
            if m.group("dir"):
                if m.group("rest"):
                    return f"Say one bound for {value.label} (“{m.group(0).strip()}”)."
                greater = m.group("dir") in {"more", "higher", "above", "better", "greater"}
                conditions.append((value, ">=" if greater else "<=", float(numbers[0])))
            elif m.group("rest") and " to " in m.group("rest"):
                conditions += [(value, ">=", float(numbers[0])), (value, "<=", float(numbers[-1]))]
            elif numbers != list(range(numbers[0], numbers[-1] + 1)):
                return f"{value.label} values that are not a range ({', '.join(map(str, numbers))}) cannot be read."
            else:
                conditions += [(value, ">=", float(numbers[0])), (value, "<=", float(numbers[-1]))]
            text.take(m.start(), m.end())
    for value, pattern in named + named_after + placed + bare:
        for m in _one_rows(text, pattern):
            if (value, pattern) in bare and (
                said := _QUALIFIED_TIME.search(text.remaining()[: m.start()])
            ) is not None:
                if _AVERAGE_BEFORE.search(text.remaining()[: m.start()]):
                    continue  # "agents with an average after-call work over 90 seconds": a bound on the average
                # "calls with talk time more than 5 minutes": the time compared is the one named, never the duration
                return f"“{said.group(0).strip()}” of one call cannot be compared here."
            number = float(m.group("n")) * (-1 if m.group("neg") else 1)
            unit = m.group("unit")
            if value.unit:
                if unit is None and number != 0:  # "hold time above 0": zero in any unit
                    return f"Say the unit of {value.label} (seconds, minutes, hours)."
                unit = unit or value.unit
                number = number * UNIT_MINUTES[unit] / UNIT_MINUTES[value.unit]
            elif unit is not None:
                return f"{value.label} has no unit (“{unit}”)."
            op_words = " ".join(m.group("op").split())
            strict = op_words not in {"at least", "at most", "within"}
            greater = op_words in _GREATER
            op = (">" if greater else "<") + ("" if strict else "=")
            conditions.append((value, op, number))
            text.take(m.start(), m.end())
    for value in values:  # "calls with more than 3 categories": a count of things, the number first
        if value.none or value.after == ("times",):
            counted = rf"\b(?:(?:had|have|has|with|matched)\s+)?{_OPS}\s+{_NUMBER}\s+{_alternatives(value.phrases)}\b"
            while (m := text.search(counted)) is not None:
                op_words = " ".join(m.group("op").split())
                op = (">" if op_words in _GREATER else "<") + (
                    "=" if op_words in {"at least", "at most"} else ""
                )
                conditions.append((value, op, float(m.group("n"))))
                text.take(m.start(), m.end())
    for value in values:  # "calls that matched no category": a count of none
        if value.none:
            while (m := text.search(rf"\b{_alternatives(value.none)}(?:\s+at\s+all)?\b")) is not None:
                if (value, "<=", 0.0) not in conditions:  # "weren't categorised (matched no category)"
                    conditions.append((value, "<=", 0.0))
                text.take(m.start(), m.end())
    for value, phrase in phrases:
        field = _alternatives((phrase,))
        if value.signed:
            for pattern in (
                rf"\b(?P<sign>negative|positive)\s+{field}\b",
                rf"\b{field}\s+(?:was\s+|is\s+)?(?P<sign>negative|positive)\b",
            ):
                while (m := text.search(pattern)) is not None:
                    conditions.append((value, "<" if m.group("sign") == "negative" else ">", 0.0))
                    text.take(m.start(), m.end())
    return conditions


# Words asking for a figure rather than one call's row
_FIGURE = re.compile(
    r"\b(?:how\s+many|number|count|counts|average|avg|mean|median|total|totals|sum|share|percentage|percent"
    r"|proportion|rate|ratio|trend|distribution|aht|asa)\b"
)
# A call named by its id (Transcribe jobs and the calls table key calls by a UUID)
CALL_ID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")


def _in_seconds(value: PerCall) -> PerCall:
    """A per-call value in minutes shown as the seconds it is stored in (a call looked up by its id)."""
    m = re.fullmatch(r"\s*(\w+_seconds)\s*/\s*60(?:\.0)?\s*", value.expr)
    if value.unit != "minutes" or m is None:
        return value
    label = value.label.replace("(minutes)", "(seconds)")
    description = value.description.replace("in minutes", "in seconds")
    return dataclasses.replace(
        value, name=m.group(1), expr=m.group(1), unit="seconds", label=label, description=description
    )


# How a question about one call names its columns: "how long was it" is its duration (its handle time when the
# wrap-up is said to count), "which queue did it come through" its queue, "pull up call …" asks for its row
_HOW_LONG = re.compile(
    r"\bhow\s+long\s+(?:(?:was|is)(?:\s+(?:it|that|this|the))?(?:\s+call)?|did(?:\s+(?:it|that|this|the))?(?:\s+call)?\s+"
    r"(?:last|take|go\s+on|run)|it\s+(?:lasted|took|ran))\b",
    re.IGNORECASE,
)
_WRAP_UP = re.compile(
    r"[,;]?\s*\b(?:(?:with|including|incl\.?)\s+(?:the\s+)?(?:wrap[\s-]?up|after[\s-]call\s+work|acw)"
    r"|(?:wrap[\s-]?up|after[\s-]call\s+work|acw)\s+included)\b",
    re.IGNORECASE,
)


# One call's parts asked "how long" ("how long was the customer on hold", "how long was the wrap-up"): that part
_HOW_LONG_PART = (
    (
        r"\bhow\s+long\s+(?:was|were|did)\s+(?:the\s+|our\s+)?(?:customer|caller|they|she|he)\s+"
        r"(?:(?:kept|put|left|sit|sat|spend|spent|wait|waiting)\s+)?on\s+hold(?:\s+for)?\b",
        " hold time ",
    ),
    (
        r"\bhow\s+long\s+(?:was|did)\s+(?:the\s+|its\s+)?(?:wrap[\s-]?up|after[\s-]call\s+work|acw)"
        r"(?:\s+(?:take|last))?\b",
        " wrap up ",
    ),
    (
        r"\bhow\s+long\s+did\s+(?:the\s+|our\s+)?(?:customer|caller|they|she|he)\s+(?:wait|spend|sit)"
        r"(?:\s+(?:waiting\s+)?in\s+(?:the\s+)?queue)?\b",
        " queue wait ",
    ),
)
# What brought the call up, said as its own sentence ("a customer complained it took forever", "customer escalated
# to me about call …."): why one call is looked up, never what is asked of it
_WHY_LOOKED_UP = re.compile(
    r"(?:^|(?<=[.?!])\s+)(?:(?:a|the|my|one|this|that)\s+)?(?:customer|caller|client)s?\s+(?:has\s+|had\s+|just\s+)?"
    r"(?:complained|complains|escalated|emailed|phoned|wrote\s+in|called\s+back|rang\s+back|called\s+in"
    r"|is\s+complaining|was\s+complaining)\b[^.?!]*(?:[.?!]|$)",
    re.IGNORECASE,
)


# "total handle time" of one call: its handle time, no sum
_ONE_CALLS_TOTAL = re.compile(
    r"\btotal\s+(?=(?:handle|handling|hold|talk|call)\s+(?:time|duration)\b|duration\b|wrap[\s-]?up\b)",
    re.IGNORECASE,
)


def _one_call_wording(question: str) -> str:
    question = _ONE_CALLS_TOTAL.sub("", question)
    if len(re.findall(r"[.?!](?:\s|$)", question.strip() + " ")) > 1 or not re.search(r"[.?!]\s*$", question):
        question = _WHY_LOOKED_UP.sub(" ", question)
    for pattern, part in _HOW_LONG_PART:
        question = re.sub(pattern, part, question, flags=re.IGNORECASE)
    if _HOW_LONG.search(question):
        wrap = _WRAP_UP.search(question) is not None
        question = _WRAP_UP.sub(" ", question)
        question = _HOW_LONG.sub(" handle time " if wrap else " call duration ", question)
    question = re.sub(
        r"\b(?:did\s+it|does\s+it|it)\s+come\s+(?:through|in\s+on|via)\b", " ", question, flags=re.I
    )
    question = re.sub(
        r"\b(?:can|could)\s+you\s+(?:pull\s+up|bring\s+up|look\s+up|find)\b|\bi\s+need\b",
        " ",
        question,
        flags=re.I,
    )
    return question


def looks_like_a_list(question: str) -> bool:
    if CALL_ID.search(question):  # "who handled call 50cc18a7-…", "what categories did call … match": its row
        return not _FIGURE.search(normalise(_ONE_CALLS_TOTAL.sub("", CALL_ID.sub(" ", question))))
    # "what % of calls …": a share, never a list
    text = normalise(re.sub(r"(?<![\w.])-(?=\d)", " minus ", question.replace("%", " percent ")))
    if re.search(r"\b(?:on|of|for|in)\s+(?:a|any|one|any\s+one)\s+(?:single\s+)?call\b", text):
        return False  # "the longest wrap-up on any one call": one call's value, the maximum
    plain = re.sub(r"\b(?:handled|taken|answered|made|received|placed)\s+by\b", " ", text)
    plain = re.sub(_OF_EACH, " ", plain)
    # "the 5 longest calls by handle time", "the longest calls in February by duration": the order of a list,
    # not a grouping
    plain = re.sub(r"\b((?:longest|shortest)\s+calls?)\s+by\b", r"\1", plain)
    if re.search(r"\b(?:longest|shortest)\b", plain):
        plain = re.sub(
            r"\bby\s+(?:call\s+)?(?:duration|length|handle\s+time|hold\s+time|talk\s+time|queue\s+wait)\b",
            " ",
            plain,
        )
    return bool(_LIST_CUE.search(text)) and not _AGGREGATE.search(plain)


# Words that ask for something of a call or an evaluation ("what was it about", "who handled it")
_ASKING_WORDS = frozenset(
    {"who", "what", "which", "when", "where", "why", "how", "long", "about", "resolved", "unresolved", "handled",
     "score", "scored", "evaluated", "evaluator", "topic", "category", "categories", "sentiment", "happened",
     "transcript", "said", "issue", "outcome", "product", "duration", "wait", "hold", "survey", "csat"}
)  # fmt: skip


def names_columns(reader: RowListReader, question: str, request: str) -> bool:
    """Whether the words ``request`` leaves out of ``question`` ask for something a list shows (a column, a
    value of the call, "who", "how long")."""
    dropped = set(normalise(question).split()) - set(normalise(request).split())
    return bool(dropped & (reader.column_words | _ASKING_WORDS | reader.reader.meaningful_words))


def _alternatives(phrases: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + ")"


class _Reading(Protocol):
    @property
    def query(self) -> object: ...


_Read = TypeVar("_Read", bound=_Reading)


class RowListReader:
    """What a list of one semantic model's rows is read with: the question reader (vocabulary and values), the
    model's ``meta.list_columns`` and ``recency``, its table, and its filterable columns (label -> column)."""

    column_words: frozenset[str]  # words that name the list's own columns

    def read_request(self, question: str, today: dt.date, read: Callable[[str, dt.date], _Read]) -> _Read:
        """``read(question)``; when that cannot read it, ``read`` of the question without its headings and asides
        ("Compliance log: list …", "… a customer complained it took forever") — only when those name nothing the
        list shows (``names_columns``)."""
        from lambdas.shared.answering.semantic import without_hand_off

        question = without_hand_off(question)  # "…, I'll hand them to the morning shift": who gets the list
        reading = read(question, today)
        if reading.query is None:
            request = self.reader.request(question, today)
            if request != question and not names_columns(self, question, request):
                again = read(request, today)
                if again.query is not None:
                    return again
        return reading

    def __init__(self, reader: object, model: str) -> None:
        from lambdas.shared.answering.semantic import QuestionReader

        assert isinstance(reader, QuestionReader)
        self.reader = reader
        manifest = reader.manifest
        self.meta = manifest.model_meta.get(model, {})
        self.columns = tuple(str(c) for c in self.meta.get("list_columns", []))
        self.recency = str(self.meta.get("recency") or "")
        self.table = manifest.tables.get(model, model)
        self.model = model
        self.value_columns = {
            d.label: d.expr
            for d in manifest.dimensions
            # an id counted by a condition (the customer) is no column a list shows
            if d.semantic_model == model and not d.per_call and not getattr(d, "counted_only", False)
        }


class ListReader(RowListReader):
    """Reads a list-of-calls question with the manifest's per-call values and the data's values."""

    def __init__(self, reader: object) -> None:
        super().__init__(reader, CALLS_MODEL)
        manifest = self.reader.manifest
        self.values = per_call_values(manifest)
        # a value of another table about calls (category): a subquery on its call column
        self.subqueries: dict[str, str] = {}
        for label in {d.label for d in manifest.dimensions} - set(self.value_columns):
            listed = calls_listed_by(manifest, label, "{database}")
            if listed:
                self.subqueries[label] = f"call_id IN ({listed})"
        self.date_column = "call_date"
        # the hour of day a call started, as the semantic model computes it
        self.hour_expr = next(
            (
                d.expr
                for d in manifest.dimensions
                if d.semantic_model == CALLS_MODEL and d.name == "hour_of_day"
            ),
            "",
        )
        self.column_words = self._column_words()
        # yes/no columns said as a condition ("that need a callback", "unresolved"): the longest wording first
        # (the condition: the column, or ``expr`` over it; its label; the answer; the wording; the column shown)
        self.flags = sorted(
            (
                (
                    str(flag.get("expr") or flag["column"]),
                    str(flag.get("label") or flag["column"]),
                    answer == "yes",
                    str(phrase),
                    str(flag["column"]),
                )
                for flag in self.meta.get("list_flags", [])
                for answer in ("yes", "no")
                for phrase in flag.get(answer, [])
            ),
            key=lambda f: -len(f[3]),
        )

    def _column_words(self) -> frozenset[str]:
        """Words that name the list's own columns: ``call_id`` → call, id, ids; ``started_at`` → start, time …"""
        words: set[str] = {"column", "columns", "s", "score", "scores", "value", "values"}
        for column in self.columns:
            parts = column.split("_")
            words |= set(parts) | {part + "s" for part in parts}
            if "agent" in parts:  # "call id, rep, date": the agent, as analysts call them
                words |= {"rep", "reps", "advisor", "advisors", "representative", "representatives"}
            if parts[-1] == "at":  # a timestamp: when it started
                words |= {
                    "start",
                    "starts",
                    "time",
                    "times",
                    "timestamp",
                    "timestamps",
                    "date",
                    "dates",
                    "day",
                    "when",
                    "happened",  # "agent, queue and when it happened"
                    "occurred",
                }
        return frozenset(words)

    def read(self, question: str, today: dt.date) -> ListReading:
        return self.read_request(question, today, self._read)

    def _read(self, question: str, today: dt.date) -> ListReading:
        from lambdas.shared.answering.semantic import Reading, _read_hours, _Text

        if not self.columns or not self.recency:
            return ListReading(None, "No list columns are defined for calls.")
        ids = sorted({m.group(0).lower() for m in CALL_ID.finditer(question)})
        if len(ids) > 1:
            return ListReading(None, "It names several calls: ask about one call at a time.")
        raw = re.sub(r"(?<![\w.])-(?=\d)", " minus ", CALL_ID.sub(" ", question))
        # "where the customer gave a 1 on the survey": a CSAT of 1
        raw = re.sub(
            r"\b(?:where|in\s+which|that)?\s*(?:the\s+)?(?:customers?|callers?)\s+(?:gave|give|rated)\s+(?:us\s+)?"
            r"(?:a\s+|an\s+)?([1-5])\s+(?:on|in|for)\s+(?:the\s+)?(?:post[\s-]call\s+)?(?:survey|csat)\b",
            r" with a csat of \1",
            raw,
            flags=re.IGNORECASE,
        )
        if ids:
            raw = _one_call_wording(raw)
        if re.search(r"\b(?:queue|queued|waited)\b", raw, re.IGNORECASE):
            # "calls that waited over 10 minutes in queue … call id, queue and the wait": the queue wait
            raw = re.sub(
                r"\b(?:the|their|its)\s+wait(?:s|\s+time|\s+times)?\b(?!\s+(?:over|under|more|less|above|below)\b)",
                "queue wait",
                raw,
                flags=re.IGNORECASE,
            )
        text = _Text(normalise(raw))
        period = None
        date = find_date_range(text.text, today)
        if date is not None and isinstance(date.value, DateRange):
            period = date.value
            text.take(date.start, date.end)

        flags: list[tuple[str, str, bool]] = []
        flag_columns: list[str] = []
        for flag_column, flag_label, wanted, phrase, shown_column in self.flags:
            pattern = rf"\b(?:that\s+|which\s+|who\s+)?{_alternatives((phrase,))}\b"
            for said in list(re.finditer(pattern, text.remaining())):
                if not text.free(said.start(), said.end()):
                    continue
                if any(c == flag_column and w != wanted for c, _, w in flags):
                    return ListReading(None, f"It asks for calls that are and are not “{flag_label}”.")
                if (flag_column, flag_label, wanted) not in flags:
                    flags.append((flag_column, flag_label, wanted))
                    flag_columns.append(shown_column)
                text.take(said.start(), said.end())
        # "calls that started between midnight and 6am": the hour of day the call started
        hours: list[tuple[str, float]] = []
        if self.hour_expr:
            said_hours = _read_hours(text)
            if isinstance(said_hours, Reading):
                return ListReading(None, said_hours.reason)
            hours = said_hours
        shown: list[PerCall] = []
        read = read_conditions(text, self.values)
        if isinstance(read, str):
            return ListReading(None, read)
        conditions = read
        for value, _, _ in conditions:
            if value not in shown:
                shown.append(value)

        order: tuple[str, bool] = ("", True)
        sorts: list[tuple[str, bool]] = []
        for value in self.values:
            field = _alternatives(value.phrases)
            ranks = "highest|lowest|most|least|best|worst" + ("|longest|shortest" if value.unit else "")
            m = text.search(rf"\b(?P<rank>{ranks})\s+{field}\b")
            if m is None:  # "the 5 longest calls by handle time"
                m = text.search(rf"\b(?P<rank>{ranks})\s+calls?\s+by\s+(?:their\s+|the\s+)?{field}\b")
            if m is not None:
                rank = m.group("rank")
                if rank in {"best", "worst"} and not value.signed:
                    return ListReading(None, f"“{rank} {value.label}” is not clear: say highest or lowest.")
                sorts.append((value.name, rank in {"highest", "most", "best", "longest"}))
                text.take(m.start(), m.end())
                if value not in shown:
                    shown.append(value)
        longer = next((v for v in self.values if v.longer), None)
        m = text.search(r"\b(?P<w>longest|shortest)\b")
        if m is not None and longer is not None:
            sorts.append((longer.name, m.group("w") == "longest"))
            text.take(m.start(), m.end())
            if longer not in shown:
                shown.append(longer)
        text.take_all(_OF_EACH)
        # "her last 5 calls …, most recent first": one order said twice is one order
        if text.take_all(r"\b(?:most\s+recent|recent|latest|newest|last)(?:\s+(?:one\s+)?first)?\b"):
            sorts.append(("", True))
        if text.take_all(r"\b(?:oldest|earliest)(?:\s+(?:one\s+)?first)?\b"):
            sorts.append(("", False))
        if len(sorts) > 1:
            return ListReading(None, "It asks for two orders at once.")
        notes: list[str] = []
        if sorts:
            order = sorts[0]
        else:
            notes.append("newest first")

        # values first: a number inside a name ("Tech Tier 1") is no row count
        filters: list[tuple[str, str, str]] = []
        extra: list[str] = []  # columns a lookup of one call names ("the topic of call …")
        values = self.reader._read_values(text, asked=question.lower())
        if isinstance(values, Reading):  # a value of two groupings, its kind not said
            return ListReading(None, values.reason)
        for label, found, _, _ in values:
            if label in self.value_columns:
                filters.append((label, self.value_columns[label], found))
            elif label in self.subqueries:
                filters.append((label, "in:" + self.subqueries[label], found))
            else:
                return ListReading(None, f"A list of calls cannot be filtered by {label}.")
        limit: int | None = None
        single = (
            re.search(r"\bcall\b(?!\s+ids?\b)", text.text) is not None
            and re.search(r"\bcalls\b", text.text) is None
        )
        top = find_top_n(text.remaining())
        if top is not None and isinstance(top.value, int):
            limit = top.value
            text.take(top.start, top.end)
        else:
            m = text.search(r"\b(?:the\s+)?(?P<n>\d{1,4})\b")
            if m is not None and int(m.group("n")) > 0:
                limit = int(m.group("n"))
                text.take(m.start(), m.end())

        text_values = {label: expr for label, expr in self.value_columns.items() if label not in _BY_VALUE}
        for label, expr in text_values.items():  # "the topic of call …", "… call id, agent, topic": shown
            m = text.search(rf"\b{_alternatives((label, *self.reader._labels.get(label, ())))}\b")
            if m is not None:
                text.take(m.start(), m.end())
                if expr not in self.columns and f"{expr} AS {label.replace(' ', '_')}" not in extra:
                    extra.append(f"{expr} AS {label.replace(' ', '_')}")
        # "… call id, agent name, team and duration": a grouping named as a column after its values were read
        for label in ("team", "direction"):
            column = self.value_columns.get(label)
            m = text.search(rf"\b{label}s?\b(?=\s*(?:,|and\b|$))") if column else None
            if m is not None and column is not None:
                text.take(m.start(), m.end())
                if column not in self.columns and f"{column} AS {label}" not in extra:
                    extra.append(f"{column} AS {label}")
        insight_kinds: list[str] = []
        if ids:  # one call by its id: its row, whatever else is listed
            filters.append(("call", "call_id", ids[0]))
            # "which customer id is on call …": an id counted elsewhere, shown for this one call
            for dim in self.reader.manifest.dimensions:
                if getattr(dim, "counted_only", False) and dim.semantic_model == self.model:
                    names = _alternatives((dim.label, *dim.synonyms))
                    m = text.search(rf"\b(?:{names})(?:\s+s)?\s+(?:ids?|numbers?)\b")
                    if m is not None:
                        text.take(m.start(), m.end())
                        extra.append(f"{dim.expr or dim.name} AS {dim.name}")
            for label, _, found in [f for f in filters if f[0] == "insight type"]:
                # an insight type read as a value ("the action items of call …"): the kind of insights shown
                filters.remove((label, _, found))
                insight_kinds.append(found)
            for words, kind in _CALL_INSIGHTS:  # "what issue did the customer raise on call …"
                while (m := text.search(rf"\b(?:{words})\b")) is not None:
                    text.take(m.start(), m.end())
                    if kind not in insight_kinds:
                        insight_kinds.append(kind)
            while insight_kinds and (m := text.search(rf"\b(?:{_INSIGHT_WORDS})\b")) is not None:
                text.take(m.start(), m.end())
            for words, column in _CALL_TEXT:  # "the categories of call …", "the summary of call …"
                named = False
                while (m := text.search(rf"\b(?:{words})\b")) is not None:
                    text.take(m.start(), m.end())
                    named = True
                if named:
                    extra.append(column)
            notes.append("the call named by its id")
        elif single and limit is None:
            if not sorts:
                return ListReading(None, "Which call? Say how to order them (most recent, longest …).")
            limit = 1
            notes.append("one call: the question says “call”")
        direction = find_direction(text.remaining())
        if direction is not None and "direction" in self.value_columns:
            filters.append(("direction", self.value_columns["direction"], str(direction.value)))
            text.take(direction.start, direction.end)

        # columns the question names: a per-call value is shown too ("… call id, agent and handle time"); the
        # list's own columns (call id, start time, agent, queue) are always shown
        for value in self.values:
            m = text.search(rf"\b{_alternatives(value.phrases)}\b")
            if m is not None:
                text.take(m.start(), m.end())
                if value not in shown:
                    shown.append(value)
        # "… that ran over 20 minutes of handle time — when they were and how long": the length shown (the call's
        # duration or its handle time; the start is always shown) asked for again
        if any(
            value.unit in {"seconds", "minutes"} and (value.longer or value.name.startswith("handle_time"))
            for value in shown
        ):
            text.take_all(r"\bhow\s+long(?:\s+(?:they|it|each)\s+(?:were|was|took|lasted|ran))?\b")
        # "… hold seconds", "duration in seconds": the unit durations are shown in unless minutes are asked
        if any(value.unit in {"seconds", "minutes"} for value in shown) and not re.search(
            r"\b(?:in|as)\s+(?:minutes|mins)\b", text.remaining()
        ):
            while (m := text.search(r"\b(?:(?:in|as)\s+)?(?:seconds|secs)\b")) is not None:
                text.take(m.start(), m.end())
        # "… handle time in minutes": the unit the shown values already have
        units = {value.unit for value in shown}
        m = text.search(r"\b(?:in|as)\s+(?P<unit>minutes|mins)\b")
        in_minutes = m is not None
        if m is not None and units == {"minutes"}:
            text.take(m.start(), m.end())
        # "by" left over is a grouping ("the longest calls by agent"): a list has none
        if re.search(r"\bby\b", text.remaining()):
            return ListReading(
                None, "A list of calls has no grouping; ask for a metric per group instead.", ("by",)
            )
        unknown = tuple(
            dict.fromkeys(
                w
                for w in text.remaining().split()
                if w not in STOPWORDS and w not in _LIST_WORDS and w not in self.column_words
            )
        )
        if unknown:
            return ListReading(None, "Some words are not accounted for.", unknown)
        # durations as stored, in seconds, unless shown "in minutes" is asked; a value compared in minutes
        # ("longer than 15 minutes") is shown in both, the stored seconds and the minutes the question counts in
        if not in_minutes:
            compared_in_minutes = {value.name for value, _, _ in conditions if value.unit == "minutes"}
            stored: list[PerCall] = []
            for value in shown:
                seconds = _in_seconds(value)
                stored.append(seconds)
                if value.name in compared_in_minutes and seconds is not value:
                    stored.append(value)
            renamed = {value.name: _in_seconds(value).name for value in shown}
            shown = stored
            order = (renamed.get(order[0], order[0]), order[1])
        query = ListQuery(
            table=self.table,
            columns=self.columns,
            recency=self.recency,
            date_column=self.date_column,
            shown=tuple(shown),
            conditions=tuple(conditions),
            filters=tuple(filters),
            period=period,
            order=order,
            limit=limit,
            notes=tuple(notes),
            extra=tuple([*extra, *(c for c in dict.fromkeys(flag_columns) if c not in extra)]),
            flags=tuple(flags),
            hours=tuple(hours),
            hour_expr=self.hour_expr,
        )
        if insight_kinds:
            # "what issue did the customer raise on call …": one row per insight, from the insights' own table
            asked = normalise(CALL_ID.sub(" ", question))
            for words in (*(w for w, _ in _CALL_INSIGHTS), _INSIGHT_WORDS):
                asked = re.sub(rf"\b(?:{words})\b", " ", asked)
            if query.extra or shown or conditions or _CALL_COLUMN_WORDS.search(asked):
                return ListReading(
                    None, "Ask for one call's insights on their own (its other columns separately)."
                )
            kinds = sorted({kind for kind in insight_kinds if kind}) if "" not in insight_kinds else []
            typed = (
                [("insight type", "in:insight_type IN (" + ", ".join(f"'{k}'" for k in kinds) + ")", "")]
                if kinds
                else []
            )
            return ListReading(
                dataclasses.replace(
                    query,
                    table="call_insights",
                    columns=("call_id", "insight_type", "insight_text"),
                    recency="call_date",
                    filters=(*query.filters, *typed),
                    order=("insight_position", False),
                )
            )
        if (
            ids
            and query.extra == ("categories",)
            and not shown
            and not conditions
            and self.table == "calls"
            and not _CALL_COLUMN_WORDS.search(CALL_ID.sub(" ", normalise(question)))
        ):
            # "which categories did call … match": one row per category, from the categories' own table (the
            # call's own columns only when the question names none of them: "… and who handled it" keeps its row)
            query = dataclasses.replace(
                query,
                table="call_categories",
                columns=("call_id", "category"),
                recency="call_date",
                extra=(),
                order=("category", False),
            )
        return ListReading(query)


def describe(query: ListQuery) -> str:
    """The list's scope in words: its filters, period and order."""
    named = [found for label, _, found in query.filters if label == "call"]
    if named:  # one call by its id
        return f"Call {named[0]}"
    from lambdas.shared.answering.semantic import describe_conditions

    parts: list[str] = [describe_conditions(query.conditions)] if query.conditions else []
    parts += [f"{label} = {'yes' if wanted else 'no'}" for _, label, wanted in query.flags]
    if query.hours:
        from lambdas.shared.answering.semantic import _hours_described

        parts.append(_hours_described(query.hours))
    for label, _, found in query.filters:
        parts.append(f"{label} = {found}")
    scope = query.period.describe() if query.period else "all data (no period given)"
    name, descending = query.order
    if name:
        label = next(v.label for v in query.shown if v.name == name)
        order = f"by {label.split(' (')[0]}, {'highest' if descending else 'lowest'} first"
    else:
        order = "newest first" if descending else "oldest first"
    where = f" with {', '.join(parts)}" if parts else ""
    return f"Calls{where}, {scope}, {order}"
