"""Lists of evaluations ("the 10 lowest-scoring evaluations last month with evaluator and score", "list the
evaluations by qa.jamal.adams", "which evaluations failed automatically last week?"), read with the semantic
layer's vocabulary.

What a list shows comes from the ``scorecards`` semantic model's ``config.meta``: ``list_columns`` (the
evaluation's own columns), ``recency`` (what "most recent" orders by) and ``score`` (what "lowest-scoring"
orders and "a score below 60" compares). Like every evaluation metric, a list holds submitted evaluations only
(drafts may still change). Filters are the metric reader's values found in the data (evaluator, team, queue,
evaluation source, agent through the agents' table); "failed automatically" is the automatic-fail flag. Every
word must be accounted for, or the question is refused; the SQL runs through the shared guard.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from lambdas.shared.answering.call_lists import CALL_ID, RowListReader
from lambdas.shared.answering.matcher import STOPWORDS
from lambdas.shared.answering.slots import DateRange, find_date_range, find_top_n, normalise

EVALUATIONS_MODEL = "scorecards"
# "evaluation" naming the rows, not qualifying another word ("evaluation question", "scorecard section")
_NOUN = (
    r"(?:evaluations?|scorecards?|reviews?|evals?)(?!\s+(?:questions?|sections?|forms?|sources?|scores?|criteri"
    r"|coverage|counts?|rates?|results?|volumes?|trends?))"
)
_LIST_CUE = re.compile(
    rf"\b(?:list|show|display|give\s+me|find|pull)\b(?:\s+\S+){{0,5}}?\s+{_NOUN}\b"
    rf"|\b(?:which|what)\s+(?:\d+\s+)?{_NOUN}\b"
    rf"|\b(?:most\s+recent|recent|latest|newest|oldest|earliest|lowest|highest|worst|best|last)\b"
    rf"(?:\s+\S+){{0,3}}?\s+{_NOUN}\b"
    rf"|\b{_NOUN}\s+(?:with|where|whose|scoring|scored|that\s+scored|that\s+failed|which\s+failed|below|under"
    r"|above|over)\b"
    # "Leo Wilson's evaluations in March — evaluation id, date and score": the rows' ids asked for
    r"|\b(?:evaluation|eval)\s+ids?\b"
)
# "… evaluations in March — evaluation date, evaluator, form, score": the rows' columns listed after them (in the
# question as asked: normalising drops the punctuation that sets them apart)
_COLUMNS_LISTED = re.compile(
    rf"\b{_NOUN}\b[^:;–—]*(?::|\s[-–—])\s*(?:the\s+|their\s+)?(?:evaluation\s+|eval\s+)?"
    r"(?:dates?|evaluators?|forms?|scores?|agents?|teams?)\s*(?:,|\band\b)"
)
_AGGREGATE = re.compile(
    r"\b(?:how\s+many|number|count|counts|average|avg|mean|median|total|totals|sum|share|percentage|percent"
    r"|proportion|rate|ratio|per|by|each|every|trend|distribution|volume|agents|teams|queues|evaluators"
    r"|sections|questions|calls)\b"
)
# "evaluations by qa.jamal.adams", "done by contact-lens-automation": who evaluated, not a grouping
_BY_WHOM = re.compile(
    r"\b(?:(?:done|submitted|scored|completed|made|performed|written)\s+)?by\s+(?=qa\s|contact\s+lens)"
)
_FAILED = re.compile(
    r"\b(?:(?:that|which)\s+)?(?:(?:were|was|got)\s+)?(?:with\s+)?(?:an?\s+)?(?:failed\s+automatically"
    r"|automatically\s+failed|(?:automatic|auto)\s+(?:fail|fails|failed|failure|failures))\b"
)
_SCORE_OPS = re.compile(
    r"\b(?:with\s+)?(?:an?\s+|the\s+)?(?:qa\s+)?(?:score|scores|scored|scoring)\s+(?:of\s+)?(?P<op>below|under|less\s+than"
    r"|lower\s+than|above|over|more\s+than|higher\s+than|at\s+least|at\s+most)\s+(?P<n>\d{1,3}(?:\.\d+)?)"
    r"(?:\s+(?:percent|pct|points?))?\b"
    # "Emma Kim's evaluations under 45%": an evaluation's percentage is its score
    r"|\b(?P<op2>below|under|less\s+than|lower\s+than|above"
    r"|over|more\s+than|higher\s+than|at\s+least|at\s+most)\s+(?P<n2>\d{1,3}(?:\.\d+)?)(?![\d.])(?:\s+(?:percent|pct)\b"
    r"|(?!\s*(?:\.\d|days?|weeks?|months?|quarters?|years?|minutes?|mins?|seconds?|secs?|hours?|hrs?|calls?|evaluations?"
    r"|evals?)\b))"
)
_GREATER = {"above", "over", "more than", "higher than", "at least"}
_WORDS = frozenset(
    {
        "list",
        "showing",
        "show",
        "display",
        "give",
        "find",
        "pull",
        "all",
        "evaluation",
        "evaluations",
        "scorecard",
        "scorecards",
        "review",
        "reviews",
        "evals",
        "eval",
        "qa",
        "submitted",
        "done",
        "completed",
        "their",
        "its",
        "along",
        "up",
        "column",
        "columns",
        "ids",
        "id",
        "date",
        "dates",
        "when",
        "who",
        "evaluated",
        "reviewed",
        "graded",
    }
)


@dataclass(frozen=True)
class EvaluationListQuery:
    """A list of submitted evaluations: the model's list columns, filtered, ordered and cut."""

    table: str
    columns: tuple[str, ...]
    recency: str
    score: str
    date_column: str
    filters: tuple[tuple[str, str], ...] = ()  # (column, value found in the data)
    agent: str | None = None  # an agent's name, through the agents' table
    automatic_fail: bool = False
    score_condition: tuple[str, float] | None = None  # (operator, percent)
    period: DateRange | None = None
    order: tuple[str, bool] = ("", True)  # (column or "" for recency, descending)
    limit: int | None = None

    def _from(self, database: str) -> str:
        return f"{database}.{self.table} e LEFT OUTER JOIN {database}.agents a ON a.agent_id = e.agent_id"

    def where(self) -> str:
        from lambdas.shared.answering.semantic import sql_string

        parts = ["e.evaluation_status = 'SUBMITTED'"]
        if self.period is not None:
            parts.append(f"e.{self.date_column} >= DATE '{self.period.start.isoformat()}'")
            parts.append(f"e.{self.date_column} < DATE '{self.period.end.isoformat()}'")
        for column, value in self.filters:
            parts.append(f"e.{column} = {sql_string(value)}")
        if self.agent is not None:
            parts.append(f"a.agent_name = {sql_string(self.agent)}")
        if self.automatic_fail:
            parts.append("e.is_automatic_fail")
        if self.score_condition is not None:
            op, number = self.score_condition
            parts.append(f"e.{self.score} {op} {number!r}")
        return " WHERE " + " AND ".join(parts)

    def sql(self, database: str, max_rows: int) -> str:
        select = [f"e.{c}" if c != "agent_name" else "a.agent_name" for c in self.columns]
        name, descending = self.order
        direction = "DESC" if descending else "ASC"
        key = name or self.recency
        order = f"e.{key} {direction}" + (f", e.{self.recency} DESC" if name else "") + ", e.evaluation_id"
        limit = min(self.limit, max_rows) if self.limit is not None else max_rows
        return f"SELECT {', '.join(select)} FROM {self._from(database)}{self.where()} ORDER BY {order} LIMIT {limit}"

    def count_sql(self, database: str) -> str:
        return f"SELECT COUNT(*) AS evaluations FROM {self._from(database)}{self.where()}"

    def describe(self) -> str:
        parts = [f"{column} = {value}" for column, value in self.filters]
        if self.agent is not None:
            parts.append(f"agent = {self.agent}")
        if self.automatic_fail:
            parts.append("an automatic fail")
        if self.score_condition is not None:
            parts.append(f"score {self.score_condition[0]} {self.score_condition[1]:g}%")
        scope = self.period.describe() if self.period else "all data (no period given)"
        name, descending = self.order
        if name:
            order = f"by score, {'highest' if descending else 'lowest'} first"
        else:
            order = "newest first" if descending else "oldest first"
        where = f" with {', '.join(parts)}" if parts else ""
        return f"Submitted evaluations{where}, {scope}, {order}"


@dataclass(frozen=True)
class EvaluationListReading:
    query: EvaluationListQuery | None
    reason: str = ""
    unknown: tuple[str, ...] = ()


# One call's evaluations asked for by its id ("QA scores for call … and who scored them"): one row each, with
# its evaluator and score — never their average, which hides that a call was evaluated more than once
_OF_ONE_CALL = re.compile(
    r"\b(?:qa|(?<!csat\s)(?<!survey\s)(?<!satisfaction\s)(?<!sentiment\s)(?:score|scores|scored|scoring)"
    r"|evaluated|evaluation|evaluations|evaluator|evaluators|evals?|scorecards?|reviewed|graded|assessed|audited)\b"
)
# The customer's own rating of a call is its survey answer, a column of the call
_CUSTOMER_RATED = re.compile(r"\b(?:customer|caller)s?\s+(?:give|gave|given|rate|rated|score|scored)\b")
# The call an id names, as said around it ("for call …", "on the call with id …")
_THE_CALL = re.compile(
    r"\b(?:on|for|of|in|to)?\s*(?:the\s+)?call(?:\s+(?:with\s+)?id)?\s*[:#]?\s*$", re.IGNORECASE
)


def looks_like_an_evaluation_list(question: str) -> bool:
    if CALL_ID.search(question):
        plain = normalise(CALL_ID.sub(" ", question))
        return (
            bool(_OF_ONE_CALL.search(plain))
            and not _CUSTOMER_RATED.search(plain)
            and not re.search(
                r"\b(?:how\s+many|number|count|average|avg|mean|median|total|sum|share|percentage|percent|rate|per)\b",
                plain,
            )
        )
    text = normalise(question.replace("%", " percent "))  # "what % of evaluations …": a share
    # who evaluated, an order asked for and a score compared are no grouping or aggregate
    plain = _BY_WHOM.sub(" ", text)
    plain = re.sub(r"\b(?:sorted|ordered|ranked)\s+by\b", " ", plain)
    plain = _SCORE_OPS.sub(" ", plain)
    plain = re.sub(
        rf"\b(?:every|each|all)\s+(?:the\s+)?{_NOUN}", " evaluations ", plain
    )  # many rows, no grouping
    listed = _LIST_CUE.search(text) or _COLUMNS_LISTED.search(question.lower())
    return bool(listed) and not _AGGREGATE.search(plain)


class EvaluationListReader(RowListReader):
    """Reads a list-of-evaluations question with the manifest's list columns and the data's values (filters on
    the evaluation's own columns)."""

    def __init__(self, reader: object) -> None:
        super().__init__(reader, EVALUATIONS_MODEL)
        self.score = str(self.meta.get("score") or "")
        self.date_column = self.reader.manifest.time_of.get(EVALUATIONS_MODEL, "evaluation_date")
        words: set[str] = set()
        for column in self.columns:
            parts = column.split("_")
            words |= set(parts) | {part + "s" for part in parts}
        words |= {"score", "scores", "scoring", "scored", "time", "times", "name", "names", "agent", "agents"}
        self.column_words = frozenset(words)

    def read(self, question: str, today: dt.date) -> EvaluationListReading:
        return self.read_request(question, today, self._read)

    def _read(self, question: str, today: dt.date) -> EvaluationListReading:
        from lambdas.shared.answering.semantic import Reading, _Text

        if not self.columns or not self.recency or not self.score:
            return EvaluationListReading(None, "No list columns are defined for evaluations.")
        calls = sorted({m.group(0).lower() for m in CALL_ID.finditer(question)})
        if len(calls) > 1:
            return EvaluationListReading(None, "It names more than one call: ask for one call at a time.")
        if calls:  # one call's evaluations: the words naming the call are accounted for by its id
            before, after = CALL_ID.split(question, maxsplit=1)
            question = f"{_THE_CALL.sub(' ', before)} {after}"
        text = _Text(normalise(question))
        period = None
        date = find_date_range(text.text, today)
        if date is not None and isinstance(date.value, DateRange):
            period = date.value
            text.take(date.start, date.end)

        automatic_fail = False
        while (m := text.search(_FAILED)) is not None:
            automatic_fail = True
            text.take(m.start(), m.end())
        score_condition: tuple[str, float] | None = None
        m = text.search(_SCORE_OPS)
        if m is not None:
            op_words = " ".join((m.group("op") or m.group("op2")).split())
            op = (">" if op_words in _GREATER else "<") + ("=" if op_words in {"at least", "at most"} else "")
            score_condition = (op, float(m.group("n") or m.group("n2")))
            text.take(m.start(), m.end())

        sorts: list[tuple[str, bool]] = []
        m = text.search(
            r"\b(?P<rank>lowest|highest|worst|best|top|bottom)(?:\s+(?:scoring|scored|score|rated))?\b"
        )
        if m is not None:
            sorts.append((self.score, m.group("rank") in {"highest", "best", "top"}))
            text.take(m.start(), m.end())
        m = text.search(r"\b(?:most\s+recent|recent|latest|newest|last)\b")
        if m is not None:
            sorts.append(("", True))
            text.take(m.start(), m.end())
        m = text.search(r"\b(?:oldest|earliest|first)\b")
        if m is not None:
            sorts.append(("", False))
            text.take(m.start(), m.end())
        m = text.search(r"\b(?:sorted|ordered|ranked)\s+by\s+(?:the\s+|their\s+)?(?:qa\s+)?score\b")
        if m is not None:
            sorts.append((self.score, False))
            text.take(m.start(), m.end())
        if len(sorts) > 1:
            return EvaluationListReading(None, "It asks for two orders at once.")
        # "… show evaluation id, agent, evaluator": a column's name, not one evaluation asked for
        single = re.search(rf"\b{_NOUN}\b(?!\s+ids?\b)", text.text) is not None and not re.search(
            r"\b(?:evaluations|scorecards|reviews|evals)\b|\b(?:every|each|all)\s+(?:the\s+)?(?:evaluation|scorecard"
            r"|review|eval)\b",
            text.text,
        )
        for m in re.finditer(
            r"\b(?:every|each|all)\b(?=\s+(?:the\s+)?(?:evaluation|scorecard|review|eval)s?\b)", text.text
        ):
            text.take(m.start(), m.end())
        order = sorts[0] if sorts else ("", True)

        # values first: a number inside a name ("Tech Tier 1") is no row count
        filters: list[tuple[str, str]] = [("call_id", calls[0])] if calls else []
        agent: str | None = None
        values = self.reader._read_values(text, asked=question.lower())
        if isinstance(values, Reading):  # a value of two groupings, its kind not said
            return EvaluationListReading(None, values.reason)
        for label, found, start, _ in values:
            before = re.search(
                r"(?:\b(?:done|submitted|scored|completed|made|performed|written)\s+)?\bby\s+$",
                text.text[:start],
            )
            if before is not None:
                text.take(before.start(), start)
            if label in self.value_columns:
                filters.append((self.value_columns[label], found))
            elif label == "agent":
                agent = found
            else:
                return EvaluationListReading(None, f"A list of evaluations cannot be filtered by {label}.")

        limit: int | None = None
        top = find_top_n(text.remaining())
        if top is not None and isinstance(top.value, int):
            limit = top.value
            text.take(top.start, top.end)
        else:
            m = text.search(r"\b(?:the\s+)?(?P<n>\d{1,4})\b")
            if m is not None and int(m.group("n")) > 0:
                limit = int(m.group("n"))
                text.take(m.start(), m.end())

        if single and limit is None and not calls:  # "the most recent evaluation of Omar Haddad": one
            if not sorts:
                return EvaluationListReading(
                    None, "Which evaluation? Say how to order them (most recent, lowest …)."
                )
            limit = 1
        unknown = tuple(
            dict.fromkeys(
                w
                for w in text.remaining().split()
                if w not in STOPWORDS and w not in _WORDS and w not in self.column_words
            )
        )
        if unknown:
            return EvaluationListReading(None, "Some words are not accounted for.", unknown)
        return EvaluationListReading(
            EvaluationListQuery(
                table=self.table,
                columns=self.columns,
                recency=self.recency,
                score=self.score,
                date_column=self.date_column,
                filters=tuple(filters),
                agent=agent,
                automatic_fail=automatic_fail,
                score_condition=score_condition,
                period=period,
                order=order,
                limit=limit,
            )
        )


def describe(query: Any) -> str:
    assert isinstance(query, EvaluationListQuery)
    return query.describe()
