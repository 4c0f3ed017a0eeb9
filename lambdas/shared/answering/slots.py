"""Typed slots read out of a question: date ranges, call direction, top-N and entity names.

Every extractor works on the normalised question (see :func:`normalise`) and reports the character span it
consumed, so the matcher can compare what is left of the question with the verified questions. Dates are
resolved against an injected ``today`` (never the wall clock), so answers and tests are reproducible.

Ranges are half-open: ``start`` inclusive, ``end`` exclusive, both dates. Rolling windows ("past 2 weeks",
"last 30 days") are that many days ending today, today included (14 and 30 days), as the repository's presets are;
calendar words ("last month", "this quarter", "in October") cover whole calendar periods, with the current
one cut at today.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


# What "min" is the minimum of when it is no unit ("min handle time", never "AHT in min")
MINIMUM_OF = r"(?:handle|call|aht|duration)"


def _us_day(m: re.Match[str]) -> str:
    """ "3/23" → "march 23" (``normalise``)."""
    year = f" {m.group(3)}" if m.group(3) else ""
    return f"{calendar.month_name[int(m.group(1))].lower()} {int(m.group(2))}{year}"


def normalise(text: str) -> str:
    """Lowercase, punctuation to spaces (ISO dates kept), possessives dropped, single spaces."""
    text = text.translate(_APOSTROPHES).lower()
    text = re.sub(r"(?<=[a-z])\(s\)", "s", text)  # "score(s)": one or more, said as the plural
    text = re.sub(r"\bi\.\s?e\.?(?!\w)", " that is ", text)  # "i.e.": what follows says it again
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"\bcan't\b", "cannot", text)
    text = re.sub(r"\bwon't\b", "will not", text)
    text = re.sub(r"n't\b", " not", text)  # "weren't resolved": were not resolved
    text = re.sub(
        r"(?:^|(?<=\s))#\s*(?=of\b|(?:[\w-]+\s+){0,2}(?:calls|evaluations)\b)", "number of ", text
    )  # "# of calls", "# es-US calls"
    text = re.sub(r"\bnumber of of\b", "number of", text)
    # "autofail rate", "autofailed": the automatic fail said as one word
    text = re.sub(r"\bauto(?=fail)", "auto ", text)
    text = re.sub(r"(?:^|(?<=\s))#\s*1\b", "top", text)  # "the #1 issue": the top one
    # "wk of 3/23", "since 2/15/2026": a US month/day, read only where the day (13-31) cannot be a month
    text = re.sub(r"(?<![\w/.])(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])(?:/(20\d\d))?(?![\w/])", _us_day, text)
    text = re.sub(r"(?<=\d)-(?=\d)", "\x00", text)  # keep 2025-10-01 together
    text = re.sub(r"(?<=\d)\.(?=\d)", "\x01", text)  # keep a decimal together: "CSAT under 3.5"
    text = re.sub(r"[^a-z0-9\x00\x01]+", " ", text)
    # "2 or more auto-fails", "3 or fewer categories": a bound ("at least 2"), said after the number
    text = re.sub(r"\b(\d+(?:\x01\d+)?)\s+or\s+(?:more|above|higher|over|greater)\b", r"at least \1", text)
    text = re.sub(r"\b(\d+(?:\x01\d+)?)\s+or\s+(?:fewer|less|below|lower|under)\b", r"at most \1", text)
    # "AHT in min", "calls over 10 min": minutes ("min handle time" stays the minimum)
    text = re.sub(
        rf"\b(in|as|(?<![\d.])\d+(?:\x01\d+)?)\s+min\b(?!\s+{MINIMUM_OF}\b)",
        r"\1 minutes",
        text,
    )
    # "thank you" is politeness ("thanks"); "did the agent thank the customer" is not
    text = re.sub(r"\bthank\s+(?:you|u)\b", "thanks", text)
    text = " ".join(_TYPOS.get(word, word) for word in text.replace("\x00", "-").replace("\x01", ".").split())
    # "show me every inbound call …", "list every auto-failed evaluation": all of them
    text = re.sub(
        r"\b(?P<verb>show|list|give|pull|get|find)\s+(?P<me>(?:me|us)\s+)?(?:every|each)\s+"
        r"(?P<kind>(?:[a-z-]+\s+){0,2}?)(?P<noun>call|evaluation|eval)\b",
        r"\g<verb> \g<me>all \g<kind>\g<noun>s",
        text,
    )
    # "the three busiest days", "top five agents", "which two agents handled the most calls": a ranking's count
    # said in words
    text = re.sub(
        rf"\b(top|bottom)\s+({_RANK_COUNT})\b"
        rf"|\b({_RANK_COUNT})\s+(?=(?:[a-z]+\s+){{0,3}}?(?:the\s+)?(?:most|least|fewest|worst|{_SUPERLATIVE})\b)",
        lambda m: (
            f"{m.group(1)} {_RANK_COUNTS[m.group(2)]}" if m.group(1) else f"{_RANK_COUNTS[m.group(3)]} "
        ),
        text,
    )
    # "the 5 March calls with the longest hold": five calls of March, never the calls of 5 March
    return re.sub(
        rf"\b(?P<which>the|top|bottom|first|last|latest|earliest)\s+(?P<n>\d{{1,2}})\s+(?P<month>{_MONTH})\s+"
        r"(?P<rows>calls|evaluations|evals)\b",
        r"\g<which> \g<n> \g<rows> in \g<month>",
        text,
    )


_RANK_COUNTS = {
    word: str(number)
    for number, word in enumerate(
        ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"], start=2
    )
}
_RANK_COUNT = "|".join(_RANK_COUNTS)
_SUPERLATIVE = r"(?!(?:west|request|interest|suggest|honest|modest|contest)\b)[a-z]+est"

# Slips of short words too short for a spelling correction to risk
_TYPOS = {
    "hwo": "how",
    "waht": "what",
    "whcih": "which",
    "wich": "which",
    "whihc": "which",
    "whta": "what",
    "wat": "what",
    "teh": "the",
    "nad": "and",
    "avergae": "average",
    "evry": "every",
    "recieved": "received",
    "recieve": "receive",
    "minuts": "minutes",
    "mins": "minutes",
    "secs": "seconds",
    "sec": "seconds",
    "avrage": "average",
    "averge": "average",
    "tiem": "time",
    "flaged": "flagged",
    "flaging": "flagging",
    "tmie": "time",
    "agnet": "agent",
    "agnets": "agents",
    "queu": "queue",
    "qeue": "queue",
    "sentimnet": "sentiment",
    "sentimet": "sentiment",
    "evalution": "evaluation",
    "evalutions": "evaluations",
    "evaulation": "evaluation",
    "evaulations": "evaluations",
    "scroe": "score",
    "montly": "monthly",
    "lenght": "length",
    "duraton": "duration",
    "calsl": "calls",
    "mnth": "month",
    "mth": "month",
    "mnths": "months",
    "quater": "quarter",
    "qurter": "quarter",
    "escalaton": "escalation",
    "escalaiton": "escalation",
    "escaltion": "escalation",
    "custmer": "customer",
    "cusotmer": "customer",
    "custmers": "customers",
    "satisfation": "satisfaction",
    "resolutoin": "resolution",
    "resoltion": "resolution",
    "handel": "handle",
    "hadle": "handle",
    "percentge": "percentage",
    "percetage": "percentage",
    "volumne": "volume",
    "wer": "were",
    "wks": "weeks",
    "wk": "week",
    "hrs": "hours",
    "interupt": "interrupt",
    "interupts": "interrupts",
    "interupted": "interrupted",
    "interupting": "interrupting",
    "interuptions": "interruptions",
    "interuption": "interruption",
    "svc": "service",
    "lvl": "level",
    "vol": "volume",
    "wkend": "weekend",
    "wknd": "weekend",
    "wkends": "weekends",
    "diffrent": "different",
    "thx": "thanks",
    # a contact centre's agents, said short ("my Outbound Sales reps", "per rep")
    "rep": "agent",
    "reps": "agents",
    "thnx": "thanks",
    "thks": "thanks",
}


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # exclusive
    label: str

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def describe(self) -> str:
        if self.label == f"{self.start.isoformat()} to {self.last_day.isoformat()}":  # the dates already
            return self.label
        if self.end - self.start == dt.timedelta(days=1):
            return f"{self.label} ({self.start.isoformat()})"
        return f"{self.label} ({self.start.isoformat()} to {self.last_day.isoformat()})"


@dataclass(frozen=True)
class SlotMatch:
    kind: str  # date_range | direction | top_n | <entity kind>
    value: object
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------------------------- numbers

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "ninety": 90,
    "hundred": 100,
}
_NUM = r"(?:\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def count_said(token: str) -> int | None:
    """The number a word says ("5", "five"), if it says one."""
    return int(token) if token.isdigit() else _NUMBER_WORDS.get(token) if token not in {"a", "an"} else None


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
# common misspellings of month names
_MONTHS.update(
    {
        "janurary": 1,
        "janaury": 1,
        "febuary": 2,
        "feburary": 2,
        "februrary": 2,
        "febrary": 2,
        "apirl": 4,
        "agust": 8,
        "septmber": 9,
        "septemeber": 9,
        "ocotber": 10,
        "novmber": 11,
        "decmber": 12,
    }
)
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
MONTH_PATTERN = _MONTH  # a month's name, short name or common misspelling, as a regular expression


def month_number(word: str) -> int | None:
    """The month ``word`` names (1–12): a name, short name or common misspelling; None otherwise."""
    return _MONTHS.get(word.lower())


# Month names that are also ordinary words or names ("may I see …", "Jan's calls"): a month only with a year, a
# date preposition, or opening or closing the request. Any other month word is the month wherever it stands
# ("aht march in mins"), except "march" said as the verb ("calls that march through the queue").
_AMBIGUOUS_MONTHS = frozenset({"may", "jan"})
_MARCHING = re.compile(r"\s+(?:through|into|past|to|towards|on|out|off|along|across|up|down|forward|ahead)\b")
# what may follow a month word that closes the request ("…, March please", "… March only")
_CLOSING = re.compile(r"(?:\s+(?:please|pls|plz|thanks|thx|ty|gracias|merci|only|then|again))*\s*")
_ORDINAL_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_UNIT = r"(?P<unit>days?|weeks?|months?|quarters?|years?)"
_PREFIX = r"(?:(?:in|during|for|over|on|within|from|of|at)\s+)?(?:the\s+)?"
_ISO = r"\d{4}-\d{2}-\d{2}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _rolling(today: dt.date, count: int, unit: str) -> DateRange:
    # Same convention as the repository's presets: ``last_30_days`` is the 30 days ending today, today included
    # (a chart of the past 7 days has 7 bars); a month back from March 31 starts on March 1.
    end = today + dt.timedelta(days=1)
    unit = unit.rstrip("s")
    if unit == "day":
        start = end - dt.timedelta(days=count)
    elif unit == "week":
        start = end - dt.timedelta(days=7 * count)
    elif unit == "month":
        start = _add_months(end, -count)
    elif unit == "quarter":
        start = _add_months(end, -3 * count)
    else:
        start = _add_months(end, -12 * count)
    label = f"the past {unit}" if count == 1 else f"the past {count} {unit}s"
    return DateRange(start, end, label)


def _calendar_period(today: dt.date, which: str, unit: str) -> DateRange:
    unit = unit.rstrip("s")
    current = which in {"this", "current"}
    if unit == "day":
        start = today if current else today - dt.timedelta(days=1)
        return DateRange(start, start + dt.timedelta(days=1), "today" if current else "yesterday")
    if unit == "week":
        start = _week_start(today) if current else _week_start(today) - dt.timedelta(days=7)
        end = start + dt.timedelta(days=7)
    elif unit == "month":
        start = _month_start(today) if current else _add_months(_month_start(today), -1)
        end = _add_months(start, 1)
    elif unit == "quarter":
        start = _quarter_start(today) if current else _add_months(_quarter_start(today), -3)
        end = _add_months(start, 3)
    else:
        start = dt.date(today.year if current else today.year - 1, 1, 1)
        end = dt.date(start.year + 1, 1, 1)
    label = f"this {unit}" if current else f"last {unit}"
    return DateRange(start, min(end, today + dt.timedelta(days=1)) if current else end, label)


def _named_month(today: dt.date, month: int, year: int | None) -> DateRange:
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    start = dt.date(year, month, 1)
    return DateRange(start, _add_months(start, 1), f"{calendar.month_name[month]} {year}")


def _quarter(today: dt.date, quarter: int, year: int | None) -> DateRange:
    if year is None:
        year = today.year if 3 * (quarter - 1) + 1 <= today.month else today.year - 1
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return DateRange(start, _add_months(start, 3), f"Q{quarter} {year}")


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


_WEEKDAYS = {
    **{
        day: number
        for number, day in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{day: number for number, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_WEEKDAY = "(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
# A day named in words ("March 10", "10th of March", "Mar 1 2026") and a month with an optional year.
_DAY_OF_MONTH = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_NAMED_DAY = (
    rf"(?:{_MONTH}\s+{_DAY_OF_MONTH}(?:\s+20\d\d)?|{_DAY_OF_MONTH}\s+(?:of\s+)?{_MONTH}(?:\s+20\d\d)?)"
)
_POINT = rf"(?:{_ISO}|{_NAMED_DAY})"
_MONTH_SPEC = rf"(?:{_MONTH}(?:\s+20\d\d)?)"
_NAMED_DAY_RE = re.compile(
    rf"^(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<m2>{_MONTH}))(?:\s+(?P<y>20\d\d))?$"
)
_MONTH_SPEC_RE = re.compile(rf"^(?P<m>{_MONTH})(?:\s+(?P<y>20\d\d))?$")


_MONTH_PAIR_RE = re.compile(
    rf"\b(?:from|between)\s+(?:in\s+)?(?P<a>{_MONTH_SPEC})\s+(?:to|and|until|through|till)\s+(?:in\s+)?"
    rf"(?P<b>{_MONTH_SPEC})\b"
)


def month_pair(text: str, today: dt.date) -> tuple[int, int, DateRange, DateRange] | None:
    """ "from January to March", "between Jan and Feb": the two months themselves (a change from one to the
    other), with the phrase's span in normalised ``text``; None when the phrase names no two months."""
    m = _MONTH_PAIR_RE.search(text)
    if m is None:
        return None
    first, second = _month_span(m.group("a"), today), _month_span(m.group("b"), today)
    if first is None or second is None or second.start <= first.start:
        return None
    return m.start(), m.end(), first, second


def _point(text: str, today: dt.date) -> dt.date | None:
    """An ISO date or a day named in words; without a year, the latest such day not after ``today``."""
    iso = _iso(text)
    if iso is not None:
        return iso
    m = _NAMED_DAY_RE.match(text)
    if m is None:
        return None
    month = _MONTHS[m.group("m1") or m.group("m2")]
    day = int(m.group("d1") or m.group("d2"))
    year = int(m.group("y")) if m.group("y") else None
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(today.year, month, day)
        return found if found <= today else dt.date(today.year - 1, month, day)
    except ValueError:
        return None


def _month_span(text: str, today: dt.date) -> DateRange | None:
    m = _MONTH_SPEC_RE.match(text)
    if m is None:
        return None
    return _named_month(today, _MONTHS[m.group("m")], int(m.group("y")) if m.group("y") else None)


# "the last quarter of their calls": a part of each call, never a period
_NOT_OF_A_CALL = (
    r"(?!\s+of\s+(?:the\s+|their\s+|a\s+|an\s+|each\s+|our\s+|his\s+|her\s+|every\s+)?(?:calls?|conversations?)\b)"
    # "first quarter customer sentiment": a quarter of the call, whose sentiment it is said next
    r"(?!\s+(?:customers?|callers?|agents?|reps?)\s+sentiment\b)"
)


def _date_patterns() -> list[tuple[re.Pattern[str], str]]:
    raw = [
        (
            rf"(?:(?:in|during|for)\s+)?(?:the\s+)?week\s+(?:of|starting|beginning|commencing)\s+(?P<a>{_POINT})",
            "week_of",
        ),
        # "the first half of March", "the second half of feb": the 1st to the 15th, the 16th to the month's end
        (
            rf"{_PREFIX}(?P<half>first|second|1st|2nd)\s+half\s+of\s+(?:the\s+month\s+of\s+)?(?P<month>{_MONTH})"
            r"(?:\s+(?:of\s+)?(?P<year>20\d\d))?",
            "half_month",
        ),
        (
            rf"(?:between|from)\s+(?P<d1>{_DAY_OF_MONTH})\s+(?:and|to|until|till|through|-)\s+"
            rf"(?P<d2>{_DAY_OF_MONTH})\s+(?:of\s+)?(?P<month>{_MONTH})(?:\s+(?P<year>20\d\d))?",
            "days_of_month",
        ),
        # "23-29 March", "23rd to 29th March", "March 23-29": days of one month said as a span, no "between"
        (
            rf"{_PREFIX}(?P<d1>{_DAY_OF_MONTH})\s*(?:-|–|to|through|thru|until|till)\s*(?P<d2>{_DAY_OF_MONTH})\s+"
            rf"(?:of\s+)?(?P<month>{_MONTH})(?:\s+(?P<year>20\d\d))?",
            "days_of_month",
        ),
        (
            rf"{_PREFIX}(?P<month>{_MONTH})\s+(?P<d1>{_DAY_OF_MONTH})\s*(?:-|–|to|through|thru|until|till)\s*"
            rf"(?P<d2>{_DAY_OF_MONTH})(?!\s*(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTH})(?:,?\s+(?P<year>20\d\d))?",
            "days_of_month",
        ),
        (rf"between\s+(?P<a>{_POINT})\s+and\s+(?P<b>{_POINT})", "between_points"),
        (rf"from\s+(?P<a>{_POINT})\s+(?:to|until|till|through|thru)\s+(?P<b>{_POINT})", "between_points"),
        (rf"between\s+(?P<a>{_MONTH_SPEC})\s+and\s+(?P<b>{_MONTH_SPEC})", "between_months"),
        (
            rf"from\s+(?P<a>{_MONTH_SPEC})\s+(?:to|until|till|through|thru)\s+(?P<b>{_MONTH_SPEC})",
            "between_months",
        ),
        # "average CSAT per month, Jan to Mar", "January through March", "for Jan to March": the span without
        # "from"
        (
            rf"(?:(?:for|over|in|during|across)\s+)?(?P<a>{_MONTH_SPEC})\s+(?:to|until|till|through|thru)\s+(?P<b>{_MONTH_SPEC})",
            "between_months",
        ),
        (rf"since\s+(?:the\s+)?(?:start\s+of\s+|beginning\s+of\s+)?(?P<a>{_POINT})", "since_point"),
        (rf"since\s+(?:the\s+)?(?:start\s+of\s+|beginning\s+of\s+)?(?P<a>{_MONTH_SPEC})", "since_month"),
        # "Monday 9 March 2026": the weekday said with its date (read only when it is that date's weekday)
        (rf"(?:(?:on|for|from)\s+)?(?:(?P<wd>{_WEEKDAY})\s+(?:the\s+)?)?(?P<a>{_NAMED_DAY})", "named_day"),
        # "between 2026-03-09 and 2026-03-15", "for 2026-03-09 through 2026-03-15 inclusive": both days in
        (rf"between\s+(?P<a>{_ISO})\s+and\s+(?P<b>{_ISO})(?:,?\s+(?:inclusive|both\s+included))?", "between"),
        (
            rf"(?:(?:from|for|over)\s+)?(?P<a>{_ISO})\s+(?:to|until|through|thru|-|–)\s+(?P<b>{_ISO})"
            r"(?:,?\s+(?:inclusive|both\s+included))?",
            "between",
        ),
        (rf"since\s+(?P<a>{_ISO})", "since"),
        (rf"{_PREFIX}(?P<a>{_ISO})", "day"),
        (
            r"(?:so\s+far\s+)?(?P<which>this|current)\s+(?P<unit>week|month|quarter|year)(?:\s+so\s+far|\s+to\s+date)?",
            "calendar",
        ),
        # "whole quarter", "the entire year": the current one
        (
            r"(?:(?:for|in|during|over|across)\s+)?(?:the\s+)?(?:whole|entire|full)\s+(?P<unit>quarter|year)(?!\s+(?:of|before|after|ending)\b)",
            "calendar",
        ),
        # "for the quarter", "over the year": the current one (never "the quarter of …")
        (
            r"(?:for|in|during|over|across)\s+the\s+(?P<unit>quarter|year)(?!\s+(?:of|before|after|ending)\b)",
            "calendar",
        ),
        (r"(?P<unit>week|month|quarter|year)\s+to\s+date", "to_date"),
        (r"(?P<abbr>mtd|qtd|ytd|wtd)", "to_date"),
        # "the last 6 full weeks", "last full month": whole calendar units, the last one ended before today
        (
            rf"{_PREFIX}(?:past|last|previous|prior)\s+(?:(?P<n>{_NUM})\s+)?(?:full|complete|completed|whole)\s+"
            r"(?P<unit>week|month|quarter)s?\b",
            "full",
        ),
        (rf"{_PREFIX}(?:past|last|previous|prior|trailing)\s+(?P<n>{_NUM})\s+{_UNIT}", "rolling"),
        (
            rf"(?:in|during|over|within)\s+the\s+(?:past|last)\s+(?P<unit>day|week|month|quarter|year){_NOT_OF_A_CALL}",
            "rolling1",
        ),
        (rf"(?:the\s+)?past\s+(?P<unit>day|week|month|quarter|year){_NOT_OF_A_CALL}", "rolling1"),
        (
            rf"(?:the\s+)?(?:last|previous|prior)\s+(?P<unit>week|month|quarter|year){_NOT_OF_A_CALL}",
            "previous",
        ),
        # "last weekend", "this past weekend": the Saturday and Sunday of the last weekend before today's
        (
            r"(?:(?:on|over|during|at|for|in)\s+)?(?:the\s+)?(?:last|previous|prior|this\s+past)\s+weekend"
            r"(?!\s+of\b)",
            "last_weekend",
        ),
        (r"(?:the\s+)?day\s+before\s+yesterday", "day_before_yesterday"),
        (r"(?:for\s+|on\s+)?(?P<word>today|yesterday)", "word"),
        (rf"{_PREFIX}(?P<q>q[1-4])(?:\s+(?:of\s+)?(?P<year>20\d\d))?", "quarter"),
        (
            rf"{_PREFIX}(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter{_NOT_OF_A_CALL}"
            r"(?:\s+(?:of\s+)?(?P<year>20\d\d))?",
            "quarter",
        ),
        (rf"{_PREFIX}(?P<month>{_MONTH})(?:\s+(?:of\s+)?(?P<year>20\d\d))?", "month"),
        (r"(?:in|during|for)\s+(?P<year>20\d\d)", "year"),
    ]
    return [(re.compile(rf"\b(?:{pattern})\b"), kind) for pattern, kind in raw]


_DATE_PATTERNS = _date_patterns()


def _resolve_date(
    kind: str, m: re.Match[str], today: dt.date, *, any_month: bool = False
) -> DateRange | None:
    g = m.groupdict()
    if kind in {"between_points", "since_point", "named_day"}:
        a = _point(g["a"], today)
        b = _point(g["b"], today) if g.get("b") else None
        if a is None or (kind == "between_points" and (b is None or b < a)):
            return None
        if g.get("wd") and _WEEKDAYS[g["wd"]] != a.weekday():
            return None  # "Tuesday 9 March 2026": a day that is not that weekday
        if kind == "between_points" and b is not None:
            return DateRange(a, b + dt.timedelta(days=1), f"{a.isoformat()} to {b.isoformat()}")
        if kind == "since_point":
            return None if a > today else DateRange(a, today + dt.timedelta(days=1), f"since {a.isoformat()}")
        return DateRange(a, a + dt.timedelta(days=1), a.isoformat())
    if kind == "week_of":  # the Monday-to-Sunday week holding that day
        day = _point(g["a"], today)
        if day is None:
            return None
        monday = day - dt.timedelta(days=day.weekday())
        return DateRange(monday, monday + dt.timedelta(days=7), f"the week of {monday.isoformat()}")
    if kind == "half_month":
        span = _named_month(today, _MONTHS[g["month"]], int(g["year"]) if g.get("year") else None)
        middle = span.start.replace(day=16)
        if g["half"] in {"first", "1st"}:
            return DateRange(span.start, middle, f"the first half of {span.label}")
        return DateRange(middle, span.end, f"the second half of {span.label}")
    if kind == "days_of_month":  # "between 16 and 22 March"
        span = _named_month(today, _MONTHS[g["month"]], int(g["year"]) if g.get("year") else None)
        day1, day2 = (int(re.sub(r"\D", "", g[k])) for k in ("d1", "d2"))
        try:
            a, b = span.start.replace(day=day1), span.start.replace(day=day2)
        except ValueError:
            return None
        if b < a:
            return None
        return DateRange(a, b + dt.timedelta(days=1), f"{a.isoformat()} to {b.isoformat()}")
    if kind in {"between_months", "since_month"}:
        first = _month_span(g["a"], today)
        if first is None:
            return None
        if kind == "since_month":
            if first.start > today:
                return None
            return DateRange(first.start, today + dt.timedelta(days=1), f"since {first.label}")
        last = _month_span(g["b"], today)
        if last is None or last.end <= first.start:
            return None
        return DateRange(first.start, last.end, f"{first.label} to {last.label}")
    if kind == "between":
        a, b = _iso(g["a"]), _iso(g["b"])
        if a is None or b is None or b < a:
            return None
        return DateRange(a, b + dt.timedelta(days=1), f"{a.isoformat()} to {b.isoformat()}")
    if kind == "since":
        a = _iso(g["a"])
        return None if a is None else DateRange(a, today + dt.timedelta(days=1), f"since {a.isoformat()}")
    if kind == "day":
        a = _iso(g["a"])
        return None if a is None else DateRange(a, a + dt.timedelta(days=1), a.isoformat())
    if kind == "calendar":
        return _calendar_period(today, "this", g["unit"])
    if kind == "to_date":
        unit = g.get("unit") or {"m": "month", "q": "quarter", "y": "year", "w": "week"}[g["abbr"][0]]
        return _calendar_period(today, "this", unit)
    if kind == "rolling":
        count = _number(g["n"])
        return _rolling(today, count, g["unit"]) if count > 0 else None
    if kind == "full":
        count = _number(g["n"]) if g.get("n") else 1
        if count <= 0:
            return None
        end = _calendar_period(today, "this", g["unit"]).start
        start = (
            end - dt.timedelta(days=7 * count)
            if g["unit"] == "week"
            else _add_months(end, -count * (3 if g["unit"] == "quarter" else 1))
        )
        label = f"the last {count} full {g['unit']}s" if count > 1 else f"the last full {g['unit']}"
        return DateRange(start, end, label)
    if kind == "rolling1":
        return _rolling(today, 1, g["unit"])
    if kind == "previous":
        return _calendar_period(today, "last", g["unit"])
    if kind == "last_weekend":
        sunday = today - dt.timedelta(days=7 if today.weekday() == 6 else today.weekday() + 1)
        return DateRange(sunday - dt.timedelta(days=1), sunday + dt.timedelta(days=1), "last weekend")
    if kind == "day_before_yesterday":
        day = today - dt.timedelta(days=2)
        return DateRange(day, day + dt.timedelta(days=1), "the day before yesterday")
    if kind == "word":
        return _calendar_period(today, "this" if g["word"] == "today" else "last", "day")
    year = int(g["year"]) if g.get("year") else None
    if kind == "quarter":
        quarter = int(g["q"][1]) if g.get("q") else _ORDINAL_QUARTERS[g["ord"]]
        return _quarter(today, quarter, year)
    if kind == "month":
        token = g["month"]
        ambiguous = (
            token in _AMBIGUOUS_MONTHS
            or (token in {"march", "mar"} and _MARCHING.match(m.string, m.end()) is not None)
        ) and not (g.get("year") or any_month)
        # "March QA scores": a month word that opens the question is the month ("may" opens questions too)
        if (
            ambiguous
            and not re.match(r"(?:in|during|for|of|from|on)\b", m.group(0))
            and not (m.start() == 0 and token not in {"may"})
            # "AHT per queue, March please": a month word that closes the request is the month
            and not (token not in {"may"} and _CLOSING.fullmatch(m.string[m.end() :]))
        ):
            return None
        return _named_month(today, _MONTHS[token], year)
    if kind == "year" and year is not None:
        return DateRange(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), str(year))
    return None


def find_date_range(text: str, today: dt.date, *, any_month: bool = False) -> SlotMatch | None:
    """The first (leftmost, then longest) date phrase in normalised ``text``, resolved against ``today``.
    ``any_month`` reads a month name that is also a word ("march", "may") without a date preposition: where a
    month is expected, e.g. compared with another ("January vs March")."""
    best: SlotMatch | None = None
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            value = _resolve_date(kind, m, today, any_month=any_month)
            if value is None:
                continue
            candidate = SlotMatch("date_range", value, m.start(), m.end(), m.group(0))
            if (
                best is None
                or candidate.start < best.start
                or (candidate.start == best.start and candidate.end > best.end)
            ):
                best = candidate
            break
    return best


# ---------------------------------------------------------------------------------------------- direction

_DIRECTIONS = {"inbound": "INBOUND", "incoming": "INBOUND", "outbound": "OUTBOUND", "outgoing": "OUTBOUND"}
_DIRECTION_RE = re.compile(r"\b(?P<word>inbound|incoming|outbound|outgoing)\b")


def find_direction(text: str) -> SlotMatch | None:
    m = _DIRECTION_RE.search(text)
    if m is None:
        return None
    return SlotMatch("direction", _DIRECTIONS[m.group("word")], m.start(), m.end(), m.group(0))


# ---------------------------------------------------------------------------------------------- top-N

_RANK_WORDS = r"(?:top|bottom|best|worst|highest|lowest|first|last|most|least)"
_TOP_N_RE = re.compile(
    # "at least 2 calls", "at most 5 minutes": a bound, never a top N
    rf"\b(?<!\bat\s){_RANK_WORDS}\s+(?P<n>{_NUM})\b|\b(?P<m>{_NUM})\s+(?={_RANK_WORDS}\b)"
    rf"|(?:^|\b(?:which|what|the|show|list|give\s+me)\s+)(?P<k>\d{{1,3}})\s+"
    # "2 categories with the worst …", never "30 days of …" or "5 minutes"
    r"(?!(?:days?|weeks?|months?|quarters?|years?|hours?|minutes?|mins?|seconds?|secs?|times?|percent)\b)(?=[a-z])"
)


def find_top_n(text: str, limit: int = 1000) -> SlotMatch | None:
    """A number attached to a ranking word ("top 5", "five worst"). Only the number is consumed."""
    for m in _TOP_N_RE.finditer(text):
        group = next(g for g in ("n", "m", "k") if m.group(g))
        token = m.group(group)
        if token in {"a", "an"}:
            continue
        n = _number(token)
        if 0 < n <= limit:
            return SlotMatch("top_n", n, m.start(group), m.end(group), token)
    return None


_SUPERLATIVES = frozenset(
    {
        "most",
        "least",
        "top",
        "bottom",
        "highest",
        "lowest",
        "longest",
        "shortest",
        "biggest",
        "largest",
        "smallest",
        "fewest",
        "greatest",
        "best",
        "worst",
        "busiest",
        "quietest",
        "slowest",
        "fastest",
    }
)
# The direction each ranking word orders in; words outside both ("best", "fastest") depend on the measure
HIGH_FIRST = frozenset({"most", "top", "highest", "longest", "biggest", "largest", "greatest", "busiest"})
LOW_FIRST = frozenset({"least", "bottom", "lowest", "shortest", "smallest", "fewest", "quietest"})


_AT_LEAST = re.compile(r"\bat\s+(?:least|most)\b")  # a bound ("a score of at least 90"), not a ranking


def ranking_agrees(question: str, phrasings: Iterable[str]) -> bool:
    """Whether every ranking word of normalised ``question`` is one the phrasings (normalised) order by: the
    same word, or another of the same direction ("highest" for "most"). "Which topic has the lowest
    resolution rate" does not agree with a query phrased "resolution rate by topic" (it orders by calls)."""
    asked = _SUPERLATIVES & set(_AT_LEAST.sub(" ", question).split())
    if not asked:
        return True
    said = {w for phrasing in phrasings for w in _AT_LEAST.sub(" ", phrasing).split()} & _SUPERLATIVES
    for word in asked:
        if word in said:
            continue
        for direction in (HIGH_FIRST, LOW_FIRST):
            if word in direction and said & direction:
                break
        else:
            return False
    return True


_SINGULAR_VERBS = frozenset({"is", "was", "s", "has", "had", "did", "does", "got", "gets", "get"})
_PLURAL_VERBS = frozenset({"are", "were", "have", "do", "re"})


def asks_for_one(text: str) -> bool:
    """Whether a normalised question asks for the single first of a ranking ("which team has the lowest
    score", "what's the most common category", "which evaluation question scores lowest") rather than the
    ranking ("which agents handle the most calls", "what are the most common categories", "top 5 queues")."""
    words = _AT_LEAST.sub(" ", text).split()
    if not _SUPERLATIVES & set(words) or find_top_n(text) is not None:
        return False
    for i, word in enumerate(words):
        if word not in {"which", "what"}:
            continue
        subject = words[i + 1 : i + 6]
        for j, w in enumerate(subject):
            following = subject[j + 1] if j + 1 < len(subject) else ""
            if w in _PLURAL_VERBS:
                return False
            if w in _SINGULAR_VERBS or w in _SUPERLATIVES or w in {"the", "our", "a", "single"}:
                if w in _SUPERLATIVES or w in _SINGULAR_VERBS:
                    return True
                continue
            # "which scorecard question do agents score worst on": one question, whoever scores
            if _noun_number(w) is True and _noun_number(following) is None:
                return True
            if w.endswith("s") and not w.endswith("ss"):
                # "which question scores lowest": a verb before the ranking word; "which agents …": many
                return following in _SUPERLATIVES or following in {"the", "on", "in"}
        return True
    return _ranked_noun_is_singular(words)


# What a ranking without "which"/"what" ranks, told by a noun of these ("the busiest hour", "agent with the
# most calls"); a measure after the ranking word ("highest AHT by team") says nothing of how many are asked.
_RANKED_NOUNS = frozenset(
    {
        "agent", "team", "queue", "category", "issue", "topic", "product", "evaluator", "question", "call",
        "caller", "customer", "hour", "day", "weekday", "week", "month", "reason", "outcome", "form",
        "section", "language", "insight", "complaint", "problem", "driver", "item", "evaluation",
    }
)  # fmt: skip
_RANKED_ENDS = frozenset(
    {"by", "for", "in", "on", "of", "per", "across", "among", "this", "last", "over", "during", "from",
     "since", "and", "to", "between", "at", "with", "than", "yesterday", "today", "so", "ever"}
)  # fmt: skip
_SUBJECT_LINKS = frozenset({"with", "that", "who", "whose", "having", "has", "had"})


def _noun_number(word: str) -> bool | None:
    """True for a ranked noun in the singular, False in the plural, None for any other word."""
    if word in _RANKED_NOUNS:
        return True
    if word.endswith("ies") and word[:-3] + "y" in _RANKED_NOUNS:
        return False
    if word.endswith("s") and word[:-1] in _RANKED_NOUNS:
        return False
    return None


def _ranked_noun_is_singular(words: Sequence[str]) -> bool:
    """A ranking asked without "which"/"what": one row when the noun it ranks is singular ("most common
    customer issue", "agent with the most calls"), the ranking when plural or not named."""
    first = next((i for i, w in enumerate(words) if w in _SUPERLATIVES), None)
    if first is None:
        return False
    before = [w for w in words[:first] if w != "the"]
    if len(before) >= 2 and before[-1] in _SUBJECT_LINKS:
        number = _noun_number(before[-2])
        if number is not None:
            return number
    named = False
    for word in words[first + 1 :]:
        number = _noun_number(word)
        if word in _RANKED_ENDS or number is False:  # "most common reasons customers call": many
            break
        named = named or bool(number)
    else:
        return named
    return named and number is not False


# ---------------------------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class EntityValue:
    value: str  # exactly as stored in the data
    normalised: str


class EntityIndex:
    """Known values of one entity kind (agent names, teams, queues), read from the data, matched fuzzily."""

    def __init__(self, kind: str, values: Iterable[str], *, threshold: float = 88.0) -> None:
        self.kind = kind
        self.threshold = threshold
        by_norm: dict[str, EntityValue] = {}
        for value in values:
            norm = normalise(value)
            if norm:
                by_norm.setdefault(norm, EntityValue(value, norm))
        self.values = list(by_norm.values())
        self._by_norm = by_norm
        self._normalised = [v.normalised for v in self.values]
        self._max_tokens = max((len(v.normalised.split()) for v in self.values), default=0)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def max_words(self) -> int:
        """The most words any known value has."""
        return self._max_tokens

    def find(self, text: str) -> SlotMatch | None:
        """The best-scoring mention of a known value in normalised ``text`` (typos tolerated)."""
        if not self.values:
            return None
        tokens = list(re.finditer(r"\S+", text))
        best: tuple[float, int, SlotMatch] | None = None
        for size in range(min(self._max_tokens + 1, len(tokens)), 0, -1):
            for i in range(len(tokens) - size + 1):
                start, end = tokens[i].start(), tokens[i + size - 1].end()
                phrase = text[start:end]
                exact = self._by_norm.get(phrase)
                if exact is not None:
                    score = 100.0
                    hit = exact
                else:
                    if len(phrase) < 4:
                        continue
                    # the first value of the highest ratio (rapidfuzz keeps the first of equal scores), in C
                    found = process.extractOne(
                        phrase, self._normalised, scorer=fuzz.ratio, score_cutoff=self.threshold
                    )
                    if found is None:
                        continue
                    score, hit = found[1], self.values[found[2]]
                    if abs(len(phrase) - len(hit.normalised)) > 3 or _another_word(phrase, hit.normalised):
                        continue
                rank = (score, end - start)
                if best is None or rank > (best[0], best[1]):
                    best = (score, end - start, SlotMatch(self.kind, hit.value, start, end, phrase))
        return None if best is None else best[2]


def _another_word(phrase: str, value: str) -> bool:
    """Whether a near match swaps a whole word of the value for another one: a word that differs from the
    value's word in its first letter is no slip ("customer share" is not the team "Customer Care", "Tech Tier 3"
    is not "Tech Tier 1"), nor is a number left out or added."""
    said, known = phrase.split(), value.split()
    if len(said) != len(known):  # "tech tier" is neither "Tech Tier 1" nor "Tech Tier 2": a number left out
        return any(word.isdigit() for word in set(said) ^ set(known))
    return any(s != k and s[0] != k[0] for s, k in zip(said, known, strict=True))


# ---------------------------------------------------------------------------------------------- all slots


def remove_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the given character spans cut out (and spaces tidied)."""
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return " ".join(" ".join(pieces).split())


def extract_slots(
    text: str,
    kinds: Iterable[str],
    today: dt.date,
    entities: Mapping[str, EntityIndex] | None = None,
) -> tuple[dict[str, SlotMatch], str]:
    """Find each requested slot kind in normalised ``text``; return the matches and the text left over.

    Kinds are searched in a fixed order (dates, top-N, direction, entities) on what earlier kinds left, so
    "past 2 weeks" is never read as a top-N and a team called "Billing East" is not also the queue "Billing".
    """
    wanted = set(kinds)
    found: dict[str, SlotMatch] = {}
    remaining = text
    order = ["date_range", "top_n", "direction", *sorted(k for k in wanted if k not in _BUILT_IN)]
    for kind in order:
        if kind not in wanted:
            continue
        match: SlotMatch | None
        if kind == "date_range":
            match = find_date_range(remaining, today)
        elif kind == "top_n":
            match = find_top_n(remaining)
        elif kind == "direction":
            match = find_direction(remaining)
        else:
            index = (entities or {}).get(kind)
            match = None if index is None else index.find(remaining)
        if match is not None:
            if kind not in _BUILT_IN:
                match = _with_kind_word(remaining, match)
            found[kind] = match
            remaining = remove_spans(remaining, [(match.start, match.end)])
    return found, remaining


_BUILT_IN = {"date_range", "top_n", "direction"}


def _with_kind_word(text: str, match: SlotMatch) -> SlotMatch:
    """Widen an entity match to the word naming its kind ("the Billing queue", "team Billing East")."""
    start, end = match.start, match.end
    after = re.match(r"\s+(\S+)", text[end:])
    before = re.search(r"(\S+)\s+$", text[:start])
    if after and _names_kind(after.group(1), match.kind):
        end += after.end()
    elif before and _names_kind(before.group(1), match.kind):
        start = before.start()
    return SlotMatch(match.kind, match.value, start, end, text[start:end])


def _names_kind(word: str, kind: str) -> bool:
    """``word`` is the kind's name, a plural or a close misspelling ("taem" for team)."""
    return word.rstrip("s") == kind or (len(word) >= 4 and fuzz.ratio(word, kind) >= 75)


def period_before(periods: Iterable[DateRange | None], first_day: dt.date | None) -> DateRange | None:
    """The first of ``periods`` that ends before ``first_day``, the first day the data holds (None when none
    does, or the first day is unknown): asked of data that does not exist, never answered as none."""
    if first_day is None:
        return None
    return next((p for p in periods if p is not None and p.end <= first_day), None)
