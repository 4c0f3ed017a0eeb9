"""The compiled verified-query repository (``docs/verified-queries.md``): load it and render a query.

Parameters are named placeholders (``:period_start`` in Athena SQL, ``$period_start`` in DuckDB SQL) that
:func:`render` replaces, in the parsed tree, with typed literal nodes after validating each value against
its slot type. Values never touch the SQL text, so a value cannot become SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "athena_executor" / "artifacts"
TARGET_DIALECTS = {"athena": "athena", "local": "duckdb"}
SLOT_TYPES = ("date_range", "agent", "team", "queue", "direction", "top_n")
TEXT_SLOTS = ("agent", "team", "queue", "direction")
DIRECTIONS = ("INBOUND", "OUTBOUND")
MAX_TEXT_CHARS = 200
TOP_N_RANGE = (1, 100)
DATE_PRESETS = (
    "all_time",
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
)


class ParameterError(ValueError):
    """A parameter value does not fit its slot; the message names the parameter and what is allowed."""


@dataclass(frozen=True)
class Repository:
    """One compiled repository file: the target, its SQL dialect and the queries (plain documents)."""

    target: str
    dialect: str
    database: str
    queries: list[dict[str, Any]]

    def by_name(self, name: str) -> dict[str, Any]:
        for query in self.queries:
            if query["name"] == name:
                return query
        raise KeyError(f"No verified query named {name!r}")

    @property
    def names(self) -> list[str]:
        return [q["name"] for q in self.queries]


def repository_path(target: str, directory: Path = ARTIFACTS_DIR) -> Path:
    if target not in TARGET_DIALECTS:
        raise ValueError(f"Unknown target {target!r}; expected one of {sorted(TARGET_DIALECTS)}")
    return directory / f"verified_queries.{target}.json"


def load_repository(target: str = "local", *, path: Path | None = None) -> Repository:
    """Load ``verified_queries.<target>.json`` (or the file at ``path``)."""
    document = json.loads((path or repository_path(target)).read_text(encoding="utf-8"))
    return Repository(
        target=str(document["target"]),
        dialect=str(document["dialect"]),
        database=str(document["database"]),
        queries=[{**query, "dialect": str(document["dialect"])} for query in document["queries"]],
    )


def placeholder_names(parameter: Mapping[str, Any]) -> list[str]:
    """Placeholders a parameter fills: ``<name>_start``, ``<name>_end`` for date ranges, else ``<name>``."""
    name = str(parameter["name"])
    if parameter["type"] == "date_range":
        return [f"{name}_start", f"{name}_end"]
    return [name]


def resolve_date_range(
    value: Any, today: dt.date, *, parameter: str = "date_range"
) -> tuple[dt.date, dt.date]:
    """A preset or ``{start, end}`` as (start inclusive, end exclusive)."""
    if isinstance(value, Mapping):
        try:
            start = dt.date.fromisoformat(str(value["start"]))
            end = dt.date.fromisoformat(str(value["end"]))
        except (KeyError, ValueError) as error:
            raise ParameterError(
                f"{parameter}: a date range needs 'start' and 'end' as YYYY-MM-DD dates"
            ) from error
        if end <= start:
            raise ParameterError(
                f"{parameter}: 'end' ({end}) must be after 'start' ({start}); end is exclusive"
            )
        return start, end
    if value not in DATE_PRESETS:
        raise ParameterError(
            f"{parameter}: {value!r} is not a date range; use one of {', '.join(DATE_PRESETS)}"
        )
    if value == "all_time":
        return dt.date(1970, 1, 1), dt.date(9999, 12, 31)
    if value in ("last_7_days", "last_30_days", "last_90_days"):
        days = int(str(value).split("_")[1])
        return today + dt.timedelta(days=1 - days), today + dt.timedelta(days=1)  # N days, today included
    if value in ("this_month", "last_month"):
        this_month = today.replace(day=1)
        next_month = _add_months(this_month, 1)
        return (
            (this_month, next_month) if value == "this_month" else (_add_months(this_month, -1), this_month)
        )
    if value in ("this_quarter", "last_quarter"):
        this_quarter = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        if value == "this_quarter":
            return this_quarter, _add_months(this_quarter, 3)
        return _add_months(this_quarter, -3), this_quarter
    this_year = today.replace(month=1, day=1)
    if value == "this_year":
        return this_year, this_year.replace(year=this_year.year + 1)
    return this_year.replace(year=this_year.year - 1), this_year


def _add_months(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def literal_values(
    query: Mapping[str, Any], values: Mapping[str, Any] | None = None, *, today: dt.date | None = None
) -> dict[str, exp.Expression]:
    """Placeholder name → typed literal node, from ``values`` or each parameter's default."""
    values = dict(values or {})
    parameters = {str(p["name"]): p for p in query.get("parameters", [])}
    unknown = sorted(set(values) - set(parameters))
    if unknown:
        raise ParameterError(
            f"Unknown parameter(s) {', '.join(unknown)} for {query['name']}; "
            f"it takes {', '.join(parameters) or 'none'}"
        )
    today = today or dt.datetime.now(dt.UTC).date()
    literals: dict[str, exp.Expression] = {}
    for name, parameter in parameters.items():
        value = values.get(name, parameter.get("default"))
        kind = parameter["type"]
        if kind == "date_range":
            start, end = resolve_date_range(value, today, parameter=name)
            literals[f"{name}_start"] = _date_literal(start)
            literals[f"{name}_end"] = _date_literal(end)
        elif kind == "top_n":
            literals[name] = exp.Literal.number(_top_n(value, name))
        elif kind in TEXT_SLOTS:
            literals[name] = _text_literal(value, kind, name)
        else:
            raise ParameterError(
                f"{name}: unknown slot type {kind!r}; expected one of {', '.join(SLOT_TYPES)}"
            )
    return literals


def _date_literal(value: dt.date) -> exp.Expression:
    return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("date"))


def _top_n(value: Any, name: str) -> int:
    low, high = TOP_N_RANGE
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParameterError(f"{name}: expected a whole number from {low} to {high}, got {value!r}")
    try:
        number = int(value)
    except ValueError as error:
        raise ParameterError(
            f"{name}: expected a whole number from {low} to {high}, got {value!r}"
        ) from error
    if not low <= number <= high:
        raise ParameterError(f"{name}: {number} is outside {low}–{high}")
    return number


def _text_literal(value: Any, kind: str, name: str) -> exp.Expression:
    if value is None:
        return exp.cast(exp.Null(), exp.DataType.build("varchar"))
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{name}: expected a {kind} name as text, or null for every {kind}")
    text = value.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ParameterError(f"{name}: {kind} names are at most {MAX_TEXT_CHARS} characters")
    if kind == "direction":
        text = text.upper()
        if text not in DIRECTIONS:
            raise ParameterError(f"{name}: direction must be INBOUND or OUTBOUND, got {value!r}")
    return exp.Literal.string(text)


def substitute(sql: str, dialect: str, literals: Mapping[str, exp.Expression]) -> str:
    """Replace each placeholder node in ``sql`` with its literal; every placeholder must have one."""
    tree = sqlglot.parse_one(sql, read=dialect)
    missing: set[str] = set()

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            name = str(node.this)
            if name not in literals:
                missing.add(name)
                return node
            return literals[name].copy()
        return node

    # the tree was parsed here for this call alone: replaced and printed in place, without copies
    rendered = tree.transform(replace, copy=False)
    if missing:
        raise ParameterError(f"No value for placeholder(s) {', '.join(sorted(missing))}")
    return rendered.sql(dialect=dialect, copy=False)


def render(
    query: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    *,
    today: dt.date | None = None,
    dialect: str | None = None,
) -> str:
    """The query's SQL with every parameter substituted as a typed literal (defaults where not given)."""
    chosen = dialect or str(query.get("dialect") or "athena")
    return substitute(str(query["sql"]), chosen, literal_values(query, values, today=today))
