"""Match a question to the verified query that answers it, or to none.

The matcher is lexical and offline. For each verified query it compares what is left of the question once
that query's slots are read out (dates, direction, top-N, entity names) with each of the query's phrasings
(question and paraphrases), as sets of content words. Words are weighted by how specific they are across
the repository (rare words weigh more; words the repository never uses weigh most), and the score is the
weighted F-score of the two sets with precision counting twice as much as recall (F0.5): a short question
whose every word fits is not punished for a long verified wording. So:

- paraphrase and word order do not matter (sets); typos are corrected against the repository's words, and
  word forms ("handling", "waited") and multi-word phrases ("break down", "kept waiting") are folded;
- **every word must be accounted for**: a word none of the query's phrasings uses ("refunds", "sentiment",
  "highest", a date on a query without a period) rules the query out, so a question is never stretched onto
  a query that answers something else;
- **the shape must fit**: a query that splits its answer by something (per agent, by queue, each day, inbound
  versus outbound) matches only a question that asks for that split, and a split the question asks for in so
  many words ("per team") must be the query's; one direction alone ("inbound calls") is a filter, not a split;
- **the question must name what the query measures**: it uses at least half (weighted) of one phrasing's words,
  so "the longest calls" never matches "calls with long silences";
- below the threshold, or when two different queries score nearly the same, there is no match.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from lambdas.shared.answering.slots import EntityIndex, SlotMatch, extract_slots, normalise

# The least weighted share of one of its phrasings' words a question must use to match a query.
MIN_RECALL = 0.5

# Words that make a measure another one (its change, trend, median, share …): a query whose phrasings say one
# matches only a question that says it too
MEASURE_MODIFIERS = frozenset(
    {"change", "improve", "improvement", "difference", "trend", "growth", "increase", "decrease", "median",
     "distribution", "share", "percentage", "percent", "ratio"}
)  # fmt: skip

# Words that say nothing about which query is meant.
STOPWORDS = frozenset(
    {
        "a",
        "about",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "get",
        "give",
        "had",
        "has",
        "have",
        "having",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "let",
        "list",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "hi",
        "hello",
        "hey",
        "thanks",
        "cheers",
        "pls",
        "plz",
        "kindly",
        "show",
        "tell",
        "than",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "database",
        "data",
        "so",
        "far",
        "currently",
        "now",
        "see",
        "want",
        "know",
        "find",
        "provide",
        "display",
        "return",
        "report",
        "overall",
        "each",
        "every",
        "per",
        "by",
        "came",
        "come",
        "got",
        "received",
        "receive",
    }
)

# Multi-word phrasings folded into one canonical word before comparing.
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\btotal number of\b", "count"),
    (r"\bnumber of\b", "count"),
    (r"\bhow many\b", "count"),
    (r"\bhow much\b", "amount"),
    (r"\bcount of\b", "count"),
    (r"\baverage handle time\b", "aht"),
    (r"\baverage handling time\b", "aht"),
    # the measure, not the verb: "calls handled per agent" is a count, "handle time per agent" an average
    (r"\bhandl(?:e|ing) times?\b", "aht"),
    # the measure, not the split: "average queue wait" is one figure, "queue wait by queue" one per queue
    (r"\bqueue wait(?:ing)?(?: times?)?\b", "wait"),
    # "waited in the queue", "wait time in queue", "time spent in queue": the measure, not "in each queue"
    (r"\b(?:wait(?:ed|ing|s)?(?: times?)?|time(?: spent)?|spent) in (?:the |a )?queue\b", "wait"),
    (r"\bcustomer satisfaction\b", "csat"),
    (r"\bquality assurance\b", "qa"),
    (r"\bquality\b", "qa"),
    (r"\bon hold\b", "hold"),
    (r"\bwait time\b", "wait"),
    (r"\bwaiting time\b", "wait"),
    (r"\bkept wait(?:ing)?\b", "wait"),
    (r"\bkept on hold\b", "hold"),
    (r"\bbreak(?:s|ing)? (?:it )?down\b", "breakdown"),
    (r"\bbroken down\b", "breakdown"),
    (r"\bon average\b", "average"),
    (r"\bin total\b", "total"),
)

# Words that name how an answer is split. A verified query whose every phrasing names a split answers only
# questions that ask for it ("per agent" is not "per team"; "callback rate" is not "callback rate by queue").
SHAPE_WORDS: dict[str, frozenset[str]] = {
    "agent": frozenset({"agent"}),
    "team": frozenset({"team"}),
    "queue": frozenset({"queue"}),
    "direction": frozenset({"direction"}),
    "day": frozenset({"daily"}),
    "week": frozenset({"week"}),
    "month": frozenset({"month"}),
    "category": frozenset({"category"}),
    "topic": frozenset({"topic"}),
    "evaluator": frozenset({"evaluator"}),
    "section": frozenset({"section"}),
    "question": frozenset({"question"}),
    "hour": frozenset({"hour"}),
    "source": frozenset({"source"}),
}


# Two values named side by side are a split ("inbound versus outbound"); one alone is a filter ("inbound calls").
PAIRED_SHAPES: dict[str, tuple[str, str]] = {
    "direction": ("inbound", "outbound"),
    "source": ("manual", "automated"),
}


def shape_of(words: Iterable[str]) -> frozenset[str]:
    """The splits a set of content words names."""
    present = set(words)
    shapes = {shape for shape, names in SHAPE_WORDS.items() if names & present}
    shapes |= {shape for shape, pair in PAIRED_SHAPES.items() if set(pair) <= present}
    return frozenset(shapes)


_SPLIT = re.compile(r"\b(?:per|by|each|every|across|which)\s+(?:the\s+)?(\w+)")


def explicit_splits(text: str) -> frozenset[str]:
    """The splits normalised ``text`` asks for in so many words: "per team", "by queue", "which agents"."""
    found: set[str] = set()
    for m in _SPLIT.finditer(text):
        word = m.group(1)
        word = _SYNONYMS.get(word, _SYNONYMS.get(_stem(word), _stem(word)))
        found |= {shape for shape, names in SHAPE_WORDS.items() if word in names}
    return frozenset(found)


# Words with a meaning of their own that a typo correction must never turn into a near neighbour ("median"
# is not "mean", "maximum" is not "minimum")
NEVER_CORRECTED = frozenset(
    {
        "median",
        "medians",
        "percentile",
        "percentiles",
        "maximum",
        "minimum",
        "max",
        "min",
        "mode",
        "sum",
        "variance",
        "deviation",
        "weekend",
        "weekends",
        "weekday",
        "weekdays",
        # what compares two figures: never a word the vocabulary has ("difference" is not "different")
        "difference",
        "differences",
        "delta",
        "gap",
        "gaps",
    }
)

# Single words folded into one canonical word.
_SYNONYMS = {
    "avg": "average",
    "mean": "average",
    "averaged": "average",
    "evaluations": "evaluation",
    "evaluation": "evaluation",
    "scorecard": "evaluation",
    "scorecards": "evaluation",
    "reps": "agent",
    "rep": "agent",
    "representatives": "agent",
    "representative": "agent",
    "staff": "agent",
    "employees": "agent",
    "employee": "agent",
    "phone": "call",
    "contacts": "call",
    "contact": "call",
    "conversations": "call",
    "conversation": "call",
    "handled": "handle",
    "handling": "handle",
    "took": "handle",
    "answered": "handle",
    "duration": "length",
    "long": "length",
    "longest": "length",
    "lengths": "length",
    "biggest": "most",
    "busiest": "most",
    "highest": "most",
    "max": "most",
    "maximum": "most",
    "greatest": "most",
    "top": "most",
    "lowest": "least",
    "min": "least",
    "minimum": "least",
    "fewest": "least",
    "bottom": "least",
    "pct": "percent",
    "percentage": "percent",
    "rate": "percent",
    "share": "percent",
    "proportion": "percent",
    "fraction": "percent",
    "split": "breakdown",
    "distribution": "breakdown",
    "grouped": "breakdown",
    "group": "breakdown",
    "broken": "breakdown",
    "trend": "daily",
    "day": "daily",
    "days": "daily",
    "weekly": "week",
    "monthly": "month",
    "topics": "topic",
    "reasons": "reason",
    "satisfaction": "csat",
    "altogether": "total",
    "vs": "compare",
    "versus": "compare",
    "compared": "compare",
    "comparison": "compare",
    "linked": "associated",
    "related": "associated",
    "correlated": "associated",
    "relate": "associated",
    "correlate": "associated",
    "satisfied": "csat",
}

_SQL_ATTACK = re.compile(
    r"(?:\b(?:drop|truncate|alter)\s+(?:table|database|schema|view)\b|\bdelete\s+from\b|\binsert\s+into\b"
    r"|\bupdate\s+\S+\s+set\b|--|/\*|\bunion\s+(?:all\s+)?select\b|\bselect\s+\*|\binformation_schema\b"
    # a statement after a semicolon, or one closing a quote; a semicolon between clauses of a sentence ("all data;
    # calls whose summary names a product") is punctuation
    r"|;\s*(?:$|\(|(?:select|drop|delete|insert|update|create|alter|grant|revoke|truncate|exec|execute|call|merge"
    r"|with|copy|attach|detach|pragma|set|load|install|export|import|begin|commit|rollback|show|describe|use|values"
    r"|replace|upsert|vacuum|checkpoint|unload|msck|repair)\b)|['\"`]\s*;"
    r"|\bignore\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier)?\s*instructions?\b"
    r"|\bsystem\s+prompt\b|\bgrant\s+\S+\s+on\b|\bexec(?:ute)?\s+(?:immediate|sql|command)\b)",
    re.IGNORECASE,
)


def looks_like_an_attack(question: str) -> bool:
    """SQL statements, comment tricks or instructions aimed at the answerer, written into a question."""
    return _SQL_ATTACK.search(question) is not None


def _stem(word: str) -> str:
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def _majority(sets: Sequence[frozenset[str]]) -> frozenset[str]:
    """The items more than half of ``sets`` hold."""
    counts = Counter(item for items in sets for item in items)
    return frozenset(item for item, count in counts.items() if 2 * count > len(sets))


def _base_forms(word: str) -> list[str]:
    """Candidate base forms of an inflected word: handling → handle, waited → wait, stopped → stop."""
    forms: list[str] = []
    for suffix in ("ing", "ed", "es", "er", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            forms += [stem, stem + "e"]
            if len(stem) > 3 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])
    return forms


def content_words(text: str) -> list[str]:
    """Canonical content words of normalised text: phrases folded, stopwords dropped, plurals stemmed."""
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    words: list[str] = []
    for token in text.split():
        token = _SYNONYMS.get(token, token)
        if token in STOPWORDS:
            continue
        token = _SYNONYMS.get(_stem(token), _stem(token))
        if token not in STOPWORDS:
            words.append(token)
    return words


@dataclass(frozen=True)
class Candidate:
    """A verified query as the matcher sees it."""

    name: str
    question: str
    paraphrases: tuple[str, ...] = ()
    slot_kinds: tuple[str, ...] = ()  # the parameter types the query takes
    onboarding: bool = False

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.paraphrases)


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float
    phrasing: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)
    leftover: tuple[str, ...] = ()  # words of the question no phrasing of the query uses
    missing_shape: tuple[str, ...] = ()  # splits (and core words) of the query the question does not ask for

    @property
    def accounted(self) -> bool:
        """Every word of the question fits the query, and the question asks for the query's split."""
        return not self.leftover and not self.missing_shape


@dataclass(frozen=True)
class MatchResult:
    best: Scored | None  # None unless confident
    ranked: tuple[Scored, ...]  # every candidate, best first
    reason: str = ""

    @property
    def matched(self) -> bool:
        return self.best is not None


class Matcher:
    def __init__(
        self,
        candidates: Sequence[Candidate],
        *,
        entities: Mapping[str, EntityIndex] | None = None,
        threshold: float = 0.8,
        margin: float = 0.05,
        typo_ratio: float = 80.0,
    ) -> None:
        self.candidates = list(candidates)
        self.entities = dict(entities or {})
        self.threshold = threshold
        self.margin = margin
        self.typo_ratio = typo_ratio
        reference = dt.date(2000, 1, 1)  # phrasings are read with a fixed date: only the words matter
        self._phrasing_words: dict[str, list[frozenset[str]]] = {}
        self._shapes: dict[str, frozenset[str]] = {}
        self._core: dict[str, frozenset[str]] = {}
        self._modifiers: dict[str, frozenset[str]] = {}
        document_frequency: Counter[str] = Counter()
        for candidate in self.candidates:
            sets = []
            for phrasing in candidate.phrasings:
                _, rest = extract_slots(normalise(phrasing), candidate.slot_kinds, reference, self.entities)
                sets.append(frozenset(content_words(rest)))
            self._phrasing_words[candidate.name] = sets
            # what most phrasings name is what the query answers: its splits, and its core words (the measure)
            self._shapes[candidate.name] = _majority([shape_of(words) for words in sets])
            shape_words = frozenset().union(*(SHAPE_WORDS[shape] for shape in self._shapes[candidate.name]))
            self._core[candidate.name] = _majority(sets) - shape_words
            # words that turn a measure into another one ("customer sentiment change" is no "customer sentiment"),
            # said in at least half of its phrasings: the question must say them
            counts = Counter(w for words in sets for w in words & MEASURE_MODIFIERS)
            self._modifiers[candidate.name] = frozenset(w for w, n in counts.items() if 2 * n >= len(sets))
            document_frequency.update(frozenset().union(*sets))
        total = max(len(self.candidates), 1)
        self._weights = {w: math.log(1 + total / df) for w, df in document_frequency.items()}
        self._unknown_weight = math.log(1 + total) * 1.5
        # Sums of weights that do not depend on the question, added up once here instead of per question.
        self._phrasing_totals = {
            name: [self._total(known) for known in sets] for name, sets in self._phrasing_words.items()
        }
        self._candidate_words = {
            name: frozenset().union(*sets) for name, sets in self._phrasing_words.items()
        }
        self._core_totals = {name: self._total(core) for name, core in self._core.items()}
        self._phrasing_vocabulary = frozenset(
            word for c in self.candidates for phrasing in c.phrasings for word in normalise(phrasing).split()
        )
        raw: set[str] = set(STOPWORDS) | set(_SYNONYMS)
        for pattern, _ in _PHRASES:
            raw.update(re.findall(r"[a-z]+", pattern.replace(r"\b", " ")))
        for candidate in self.candidates:
            for phrasing in candidate.phrasings:
                raw.update(normalise(phrasing).split())
        self._raw_vocabulary = frozenset(raw)
        # Misspellings are corrected to content words only: "hour" must not become the stopword "our".
        self._vocabulary = sorted(raw - STOPWORDS)

    def weight(self, word: str) -> float:
        return self._weights.get(word, self._unknown_weight)

    def _correct(self, word: str) -> str:
        """A word form ("handling", "waited") or a misspelt word replaced by the known word it stands for."""
        if len(word) < 4 or not word.isalpha() or word in self._phrasing_vocabulary:
            return word
        for form in _base_forms(word):
            if form in self._phrasing_vocabulary:
                return form
        if word in self._raw_vocabulary or word in NEVER_CORRECTED:
            return word
        hit = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=self.typo_ratio)
        if hit is None:
            return word
        known = str(hit[0])
        if len(known) != len(word) and (word.endswith(known) or known.endswith(word)):
            return word  # a prefix added or dropped ("unresolved", "resolved") is another word, not a typo
        return known

    def _words(self, text: str) -> frozenset[str]:
        return frozenset(content_words(" ".join(self._correct(w) for w in text.split())))

    def _total(self, words: frozenset[str]) -> float:
        """The summed weight of ``words``."""
        return sum(self.weight(w) for w in words)

    @staticmethod
    def _f_half(common: float, asked_total: float, known_total: float) -> float:
        """Weighted F0.5 of the question's words against a phrasing's (``common``: the weight of the words they
        share; the totals: of each one's words): precision counts twice as much as recall."""
        if not asked_total or not known_total or common == 0:
            return 0.0
        precision = common / asked_total
        recall = common / known_total
        beta2 = 0.25
        return (1 + beta2) * precision * recall / (beta2 * precision + recall)

    def score_all(self, question: str, today: dt.date) -> list[Scored]:
        text = normalise(question)
        explicit = explicit_splits(text)
        scored: list[Scored] = []
        # Candidates asking for the same slot kinds read the question the same way: read it once per kind set.
        readings: dict[frozenset[str], tuple[dict[str, SlotMatch], frozenset[str], float]] = {}
        for candidate in self.candidates:
            kinds = frozenset(candidate.slot_kinds)
            reading = readings.get(kinds)
            if reading is None:
                found, rest = extract_slots(text, kinds, today, self.entities)
                words = self._words(rest)
                reading = readings[kinds] = (found, words, self._total(words))
            slots, asked, asked_total = dict(reading[0]), reading[1], reading[2]
            best = (0.0, candidate.question)
            best_recall = 0.0
            for phrasing, known, known_total in zip(
                candidate.phrasings,
                self._phrasing_words[candidate.name],
                self._phrasing_totals[candidate.name],
                strict=True,
            ):
                common = self._total(asked & known)
                score = self._f_half(common, asked_total, known_total)
                if score > best[0]:
                    best = (score, phrasing)
                # the weighted share of the phrasing's words the question uses
                best_recall = max(best_recall, common / known_total if known_total else 0.0)
            leftover = tuple(sorted(asked - self._candidate_words[candidate.name]))
            asked_shape = shape_of(asked)
            if re.search(r"\bwho\b", text):  # "who took the most calls": agents
                asked_shape |= {"agent"}
            missing = tuple(sorted(self._shapes[candidate.name] - asked_shape))
            # a split the question asks for in so many words ("per team") that the query does not make
            missing += tuple(sorted(explicit - self._shapes[candidate.name]))
            if best[0] > 0 and best_recall < MIN_RECALL:
                # the question says too little of what every phrasing measures ("the 5 longest calls" is
                # not "calls with long silences"): the query answers something that was not asked
                missing += ("most of: " + best[1],)
            core = self._core[candidate.name]
            if core and self._total(core & asked) < 0.5 * self._core_totals[candidate.name]:
                missing += tuple(sorted(core - asked))  # the question misses most of what the query measures
            # "custmer sentiment by agent" is not "how did customer sentiment change …, by agent"
            missing += tuple(sorted(self._modifiers[candidate.name] - asked))
            if any(asked == known for known in self._phrasing_words[candidate.name]):
                # every content word of one of its own phrasings and nothing else: a person verified that
                # this phrasing means this query, so no rule about what the question leaves unsaid applies
                missing = ()
            scored.append(Scored(candidate, round(best[0], 4), best[1], slots, leftover, missing))
        scored.sort(key=lambda s: (-s.score, s.candidate.name))
        return scored

    def match(self, question: str, today: dt.date) -> MatchResult:
        if looks_like_an_attack(question):
            return MatchResult(None, (), "The question contains SQL or instructions, not a question.")
        ranked = tuple(self.score_all(question, today))
        fitting = [s for s in ranked if s.accounted]
        if not fitting or fitting[0].score < self.threshold:
            reason = "No verified query answers this question."
            if ranked and ranked[0].score >= self.threshold and not ranked[0].accounted:
                close = ranked[0]
                if close.leftover:
                    reason += f" The closest one does not cover: {', '.join(close.leftover)}."
                else:
                    reason += f" The closest one answers with {', '.join(close.missing_shape)}, which was not asked."
            return MatchResult(None, ranked, reason)
        top = fitting[0]
        if len(fitting) > 1:
            second = fitting[1]
            exact_winner = top.score >= 0.999 and second.score < 0.999
            if not exact_winner and top.score - second.score < self.margin:
                return MatchResult(None, ranked, "The question fits more than one verified query.")
        return MatchResult(top, ranked)

    def suggestions(
        self, question: str, today: dt.date, limit: int = 3, ranked: Iterable[Scored] = ()
    ) -> list[str]:
        """Onboarding questions, closest to ``question`` first."""
        scores = {s.candidate.name: s.score for s in ranked} or {
            s.candidate.name: s.score for s in self.score_all(question, today)
        }
        onboarding = [c for c in self.candidates if c.onboarding] or self.candidates
        onboarding.sort(key=lambda c: (-scores.get(c.name, 0.0), c.name))
        return [c.question for c in onboarding[:limit]]
