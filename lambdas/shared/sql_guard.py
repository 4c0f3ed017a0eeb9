"""The SQL guard every engine runs before it executes anything.

Whatever SQL reaches Athena or DuckDB (written by the agent, taken from a verified query, compiled by the
semantic layer, or typed by a person) passes :func:`guard_sql` first. The guard parses the text with sqlglot
(Athena dialect) and accepts only what it positively recognises:

- exactly one statement, and that statement is a query (``select``, a set operation, a parenthesised query);
- no write, DDL, command or session node anywhere in the tree (``insert``, ``create``, ``unload``, ``set``,
  ``pragma``, ``copy``, ``attach``, ``select … into`` …);
- every relation is resolved per scope the way the engines resolve it: a name is a CTE only where that CTE
  is visible (names compared case-insensitively; a CTE's body sees the CTEs defined before it, never itself);
  ``WITH RECURSIVE`` is refused. After resolution every base relation must be an allow-listed mart in the
  curated database (``post_call_analytics``), and it is rewritten fully qualified, so no engine can read it
  as anything else;
- every function is on an explicit allow-list of Trino scalar, aggregate and window functions
  (:mod:`lambdas.shared.sql_functions`); table functions are refused;
- the outer ``LIMIT`` is clamped, the text length is capped and Markdown code fences are stripped.

The SQL that runs is the one sqlglot regenerates from the checked tree, never the text that came in, so a
parser/engine disagreement cannot smuggle anything past the checks; the printed text is parsed back in the
engine's dialect and resolved again. Comments are dropped. The guard is the first of three layers: the
embedded engine answers from a database that holds only the marts, without file access, and Athena's
executor role reads only the marts (see the README's security section).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, TokenError

from lambdas.shared.sql_functions import AllowedFunctions, allowed_functions

CURATED_DATABASE = "post_call_analytics"
DEFAULT_CATALOG = "awsdatacatalog"
DEFAULT_MAX_ROWS = 1000
DEFAULT_MAX_SQL_CHARS = 10_000
# The curated marts: the only relations a query may read (the schema catalog lists the same tables).
CURATED_MARTS = frozenset(
    (
        "agent_daily_performance",
        "agents",
        "call_categories",
        "call_insights",
        "calls",
        "scorecard_answers",
        "scorecard_sections",
        "scorecards",
    )
)

# Node types that never belong in a read-only query, wherever they appear in the tree.
_FORBIDDEN_NODE_NAMES = (
    "DDL",
    "DML",
    "Command",
    "Into",
    "Set",
    "SetItem",
    "Pragma",
    "Copy",
    "Attach",
    "Detach",
    "Install",
    "Export",
    "LoadData",
    "Execute",
    "ExecuteSql",
    "ToFile",
    "Secret",
    "Use",
    "Describe",
    "Show",
    "Transaction",
    "Commit",
    "Rollback",
    "Grant",
    "Revoke",
    "Refresh",
    "Cache",
    "Uncache",
    "Analyze",
    "Kill",
    "Summarize",
    "ReadCSV",
    "ReadParquet",
)
_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    node for name in _FORBIDDEN_NODE_NAMES if isinstance(node := getattr(exp, name, None), type)
)

# What the one walk over a tree does with a node, by its class (filled lazily: sqlglot has hundreds of classes).
_PLAIN, _TABLE, _QUERY, _SELECT, _FORBIDDEN, _PARAMETER, _IDENTIFIER, _FUNCTION = range(8)
_NODE_KIND: dict[type, int] = {}


def _node_kind(cls: type) -> int:
    if issubclass(cls, exp.Table):
        kind = _TABLE
    elif issubclass(cls, _FORBIDDEN_NODES):
        kind = _FORBIDDEN
    elif issubclass(cls, exp.Select):
        kind = _SELECT
    elif issubclass(cls, exp.Query):
        kind = _QUERY
    elif issubclass(cls, exp.Placeholder | exp.Parameter):
        kind = _PARAMETER
    elif issubclass(cls, exp.Identifier):
        kind = _IDENTIFIER
    elif issubclass(cls, exp.Func):
        kind = _FUNCTION
    else:
        kind = _PLAIN
    _NODE_KIND[cls] = kind
    return kind


# Input functions pass only from the allow-list. The engine's printed text is parsed back, and any untyped call
# in it that reads files, URLs, catalogs, settings, secrets or the environment on DuckDB is refused as well.
_FORBIDDEN_FUNCTION = re.compile(
    r"""^(
        read_\w*|\w+_scan|parquet_\w+|sniff_csv|glob|query|query_table|getenv|current_setting|
        duckdb_\w+|pragma_\w+|which_secret|load_aws_credentials|http_\w+|st_read\w*|iceberg_\w+|
        delta_\w+|sqlite_\w+|postgres_\w+|mysql_\w+|json_execute_serialized_sql|\w*substrait\w*|
        checkpoint|force_checkpoint|enable_\w+|disable_\w+|set_\w+|import_\w+|export_\w+|system|
        shell|load|install|attach|detach|copy|file_\w*|write_\w*|to_file|pg_\w+|getvariable|
        current_\w+|has_\w+_privilege|col_description|obj_description|format_type|version|
        array_extract_sql|\w*_extension\w*|to_json_sql|json_serialize_sql|json_deserialize_sql
    )$""",
    re.VERBOSE,
)


@functools.cache
def _dialect(name: str) -> Dialect:
    """One dialect instance per name (sqlglot builds a new one on every lookup otherwise)."""
    return Dialect.get_or_raise(name)


_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*[ \t]*\n?(?P<body>.*?)\n?\s*```\s*$", re.DOTALL)


class SqlRejectedError(ValueError):
    """The SQL was refused: ``reason`` is a short code; the message tells the author what to change."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class GuardPolicy:
    """What the guard allows: the curated database, which of its tables, and the size limits."""

    allowed_tables: frozenset[str] = CURATED_MARTS
    database: str = CURATED_DATABASE
    catalog: str = DEFAULT_CATALOG
    max_rows: int = DEFAULT_MAX_ROWS
    max_sql_chars: int = DEFAULT_MAX_SQL_CHARS
    # DuckDB computes ``approx_percentile(x, q)`` exactly (``quantile_cont``): the semantic layer's medians and
    # percentiles are exact where the engine can afford it, and approximate on Athena (their descriptions say so)
    exact_percentiles: bool = False

    @classmethod
    def for_tables(cls, tables: Iterable[str], *, max_rows: int = DEFAULT_MAX_ROWS) -> GuardPolicy:
        """Allow exactly ``tables`` (names in the curated database)."""
        return cls(allowed_tables=frozenset(t.lower() for t in tables), max_rows=max_rows)


class GuardedQuery:
    """A query that passed the guard: its checked tree, the marts it reads and the clamped row limit."""

    def __init__(
        self,
        tree: exp.Query,
        *,
        source: str,
        policy: GuardPolicy,
        tables: tuple[str, ...],
        limit: int,
        limit_clamped: bool,
    ) -> None:
        self._tree: exp.Query | None = tree
        self._source = source
        self._policy = policy
        self.tables = tables
        self.limit = limit
        self.limit_clamped = limit_clamped
        self.database = policy.database
        self._printed: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"GuardedQuery(tables={self.tables!r}, limit={self.limit})"

    @property
    def expression(self) -> exp.Query:
        """The checked tree (a fresh one if printing has used the first)."""
        if self._tree is None:
            self._tree = guard_sql(self._source, self._policy)._take_tree()
        return self._tree

    def _take_tree(self) -> exp.Query:
        """Hand the checked tree over to be printed in place (sqlglot's printer may rewrite it)."""
        tree = self.expression
        self._tree = None
        return tree

    @property
    def sql(self) -> str:
        """The query in Athena (Trino) SQL."""
        return self.to_dialect("athena")

    def to_dialect(self, dialect: str) -> str:
        """The query in ``dialect`` (``athena`` or ``duckdb``); SqlRejectedError if it cannot be written.

        The tree is printed in place, without a copy: a second dialect (or a later look at ``expression``)
        re-guards the source text for a fresh tree. The text is parsed back in ``dialect`` and checked again
        (one read-only query over the same tables), so what the engine receives is what was checked, whatever
        the printer did.
        """
        printed = self._printed.get(dialect)
        if printed is None:
            tree = self._take_tree()
            if dialect == "duckdb":
                tree = cast(exp.Query, tree.transform(_for_duckdb, copy=False))
                if self._policy.exact_percentiles:
                    tree = cast(exp.Query, tree.transform(_exact_percentile, copy=False))
            try:
                printed = _dialect(dialect).generate(
                    tree, copy=False, comments=False, unsupported_level=ErrorLevel.RAISE
                )
            except (SqlglotError, TypeError, ValueError, AttributeError, RecursionError) as error:
                # sqlglot's printer may also fail with a plain TypeError on a call it cannot write
                raise SqlRejectedError(
                    "untranslatable",
                    f"The query uses something that cannot run on {dialect}: {_first_line(error)}. "
                    "Rewrite it with standard Athena (Trino) functions.",
                ) from error
            self._verify_output(printed, dialect)
            self._printed[dialect] = printed
        return printed

    def _verify_output(self, sql: str, dialect: str) -> None:
        try:
            again = [s for s in _dialect(dialect).parse(sql, error_level=ErrorLevel.RAISE) if s is not None]
        except (ParseError, TokenError) as error:
            raise SqlRejectedError(
                "syntax", f"The SQL is incomplete or invalid: {_first_line(error)}"
            ) from error
        if len(again) != 1 or not isinstance(again[0], exp.Query):
            raise SqlRejectedError("syntax", "The SQL is ambiguous; write it as one plain SELECT query.")
        policy = GuardPolicy(
            allowed_tables=frozenset(self.tables),
            database=self.database,
            catalog=self._policy.catalog,
            max_rows=self._policy.max_rows,
            max_sql_chars=self._policy.max_sql_chars,
        )
        try:
            _resolve(again[0], policy, functions=None, printed=True)
        except SqlRejectedError as error:
            raise SqlRejectedError(
                "syntax", f"The SQL is ambiguous; write it as one plain SELECT query ({error.message})"
            ) from error


# Athena refuses a sequence() or repeat() of more than 10,000 entries; DuckDB builds any size in one call
# that cannot be interrupted, so the DuckDB text checks the size first and fails the same way.
MAX_GENERATED_ENTRIES = 10_000
MAX_PADDED_CHARS = 1_000_000
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
# Trino's url_extract_* functions, which DuckDB lacks, as regular expressions over the URL (RFC 3986).
_URL_PARTS: dict[str, tuple[str, bool]] = {
    "url_extract_protocol": (rf"^({_SCHEME}):", True),
    "url_extract_host": (rf"^{_SCHEME}://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)", True),
    "url_extract_port": (rf"^{_SCHEME}://(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):([0-9]+)", True),
    "url_extract_path": (rf"^(?:{_SCHEME}://[^/?#]*)?([^?#]*)", False),
    "url_extract_query": (r"^[^#]*?\?([^#]*)", True),
    "url_extract_fragment": (r"#(.*)$", True),
}


def _checked(argument: exp.Expression, too_large: exp.Expression, message: str) -> exp.Expression:
    """``argument``, or an error when ``too_large`` holds. The check wraps the argument, not the call, so the
    optimiser cannot fold (build) a huge constant result before the check runs."""
    error = exp.Anonymous(this="error", expressions=[exp.Literal.string(message)])
    return exp.Case(ifs=[exp.If(this=too_large, true=error)], default=argument)


def _exact_percentile(node: exp.Expression) -> exp.Expression:
    """``approx_percentile(x, q)`` of one literal fraction, unweighted, as DuckDB's exact ``quantile_cont``."""
    if (
        isinstance(node, exp.ApproxQuantile)
        and {key for key, value in node.args.items() if value is not None} <= {"this", "quantile"}
        and isinstance(node.args.get("quantile"), exp.Literal)
        and node.args["quantile"].is_number
    ):
        return exp.PercentileCont(this=node.this.copy(), expression=node.args["quantile"].copy())
    return node


def _for_duckdb(node: exp.Expression) -> exp.Expression:
    """Rewrite one node of a checked tree for DuckDB: size checks inside generators, url_* functions."""
    if isinstance(node, exp.GenerateSeries | exp.Repeat) and node.find_ancestor(exp.Lambda) is not None:
        # Each call is checked, but a lambda runs one per element inside a single call DuckDB cannot interrupt
        # (10,000 × 10,000 entries): refused here rather than left to the memory limit.
        raise SqlRejectedError(
            "untranslatable",
            "sequence() and repeat() inside a lambda (x -> …) are not supported; generate the values once, "
            "outside the lambda, or aggregate over the curated tables instead.",
        )
    if isinstance(node, exp.GenerateSeries):
        start, end, step = (node.args.get(k) for k in ("start", "end", "step"))
        if start is None or end is None:
            return node
        if step is not None and step.find(exp.Interval) is not None:
            span: exp.Expression = exp.Sub(
                this=exp.Anonymous(this="epoch", expressions=[end.copy()]),
                expression=exp.Anonymous(this="epoch", expressions=[start.copy()]),
            )
            stride: exp.Expression = exp.Anonymous(this="epoch", expressions=[step.copy()])
        else:
            span = exp.Sub(this=end.copy(), expression=start.copy())
            stride = step.copy() if step is not None else exp.Literal.number(1)
        entries = exp.Div(this=exp.Abs(this=exp.Paren(this=span)), expression=exp.Abs(this=stride))
        too_many = exp.GT(this=entries, expression=exp.Literal.number(MAX_GENERATED_ENTRIES))
        node.set(
            "end",
            _checked(end, too_many, f"sequence() would return more than {MAX_GENERATED_ENTRIES:,} entries"),
        )
        return node
    if isinstance(node, exp.Repeat) and node.args.get("times") is not None:
        times = node.args["times"]
        too_many = exp.GT(this=times.copy(), expression=exp.Literal.number(MAX_GENERATED_ENTRIES))
        node.set(
            "times", _checked(times, too_many, f"repeat() is limited to {MAX_GENERATED_ENTRIES:,} entries")
        )
        return node
    if isinstance(node, exp.Pad) and node.args.get("expression") is not None:
        length = node.args["expression"]
        too_long = exp.GT(this=length.copy(), expression=exp.Literal.number(MAX_PADDED_CHARS))
        node.set(
            "expression",
            _checked(length, too_long, f"lpad()/rpad() are limited to {MAX_PADDED_CHARS:,} characters"),
        )
        return node
    if isinstance(node, exp.Anonymous) and node.name.lower() in _URL_PARTS and len(node.expressions) == 1:
        pattern, empty_is_null = _URL_PARTS[node.name.lower()]
        part: exp.Expression = exp.RegexpExtract(
            this=node.expressions[0].copy(),
            expression=exp.Literal.string(pattern),
            group=exp.Literal.number(1),
        )
        if empty_is_null:
            part = exp.Nullif(this=part, expression=exp.Literal.string(""))
        if node.name.lower() == "url_extract_port":
            part = exp.Cast(this=part, to=exp.DataType.build("bigint"))
        return part
    return node


def strip_markdown(sql: str) -> str:
    """Remove a surrounding Markdown code fence and trailing semicolons/whitespace."""
    text = sql.strip()
    match = _FENCE.match(text)
    if match:
        text = match.group("body").strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def guard_sql(sql: str, policy: GuardPolicy | None = None) -> GuardedQuery:
    """Check ``sql`` against ``policy`` and return the query to run, or raise :class:`SqlRejectedError`."""
    policy = policy or GuardPolicy()
    if not isinstance(sql, str) or not sql.strip():
        raise SqlRejectedError("empty", "No SQL was given. Send one SELECT query.")
    if len(sql) > policy.max_sql_chars:
        raise SqlRejectedError(
            "too_long",
            f"The SQL is {len(sql):,} characters; the limit is {policy.max_sql_chars:,}. "
            "Write a shorter query.",
        )
    text = strip_markdown(sql)
    if "\x00" in text:
        raise SqlRejectedError("invalid_character", "The SQL contains a NUL character.")

    query = _parse_single_query(text)
    tables = _resolve(query, policy, functions=allowed_functions(), printed=False)
    limit, clamped = _clamp_limit(query, policy.max_rows)
    return GuardedQuery(query, source=text, policy=policy, tables=tables, limit=limit, limit_clamped=clamped)


def _parse_single_query(text: str) -> exp.Query:
    try:
        parsed = _dialect("athena").parse(text, error_level=ErrorLevel.RAISE)
    except (ParseError, TokenError) as error:
        raise SqlRejectedError(
            "syntax", f"The SQL could not be parsed as Athena SQL: {_first_line(error)}"
        ) from error
    except RecursionError as error:
        raise SqlRejectedError("syntax", "The SQL is nested too deeply to check.") from error
    except (SqlglotError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise SqlRejectedError(
            "syntax", f"The SQL could not be parsed as Athena SQL: {_first_line(error)}"
        ) from error
    statements: list[exp.Expression] = [
        s for s in parsed if isinstance(s, exp.Expression) and not isinstance(s, exp.Semicolon)
    ]
    if len(statements) != 1:
        raise SqlRejectedError(
            "statement_count",
            f"Send exactly one SQL statement; this text holds {len(statements)}.",
        )
    statement = statements[0]
    if not isinstance(statement, exp.Query):
        raise SqlRejectedError(
            "not_a_query",
            f"Only read-only SELECT queries are allowed (got {_describe(statement)}).",
        )
    return statement


def _resolve(
    query: exp.Expression | exp.Query,
    policy: GuardPolicy,
    *,
    functions: AllowedFunctions | None,
    printed: bool,
) -> tuple[str, ...]:
    """Walk the whole tree once: refuse forbidden nodes, resolve every relation per scope, check functions.

    Returns the marts read. Each base relation is rewritten as ``<database>.<mart>``. ``functions`` is the
    allow-list for input; ``None`` checks an engine's printed text, where the relations must already be
    qualified and untyped calls are checked against the engine's dangerous families instead.
    """
    tables: set[str] = set()
    kinds = _NODE_KIND
    stack: list[tuple[exp.Expression, frozenset[str]]] = [(cast(exp.Expression, query), frozenset())]
    while stack:
        node, visible = stack.pop()
        kind = kinds.get(type(node))
        if kind is None:
            kind = _node_kind(type(node))
        if kind == _TABLE:
            table = cast(exp.Table, node)
            _check_table_options(table)
            name = table.name.lower()
            if not table.args.get("db") and not table.args.get("catalog") and name in visible:
                pass  # a reference to a CTE visible in this scope
            elif printed and not (table.args.get("db") and isinstance(table.this, exp.Identifier)):
                raise SqlRejectedError("table_reference", f"unqualified relation {table.sql()!r}")
            else:
                tables.add(_check_one_table(table, policy))
            for key, value in table.args.items():
                if key not in ("this", "db", "catalog"):
                    _push(stack, value, visible)
            continue
        if kind == _FORBIDDEN:
            raise SqlRejectedError(
                "forbidden_statement",
                f"{_describe(node)} is not allowed: queries may only read the curated tables.",
            )
        if kind == _FUNCTION:
            _check_function(node, functions)
        elif kind == _IDENTIFIER:
            if node.name.startswith("$"):
                raise SqlRejectedError(
                    "hidden_column",
                    f"The identifier {node.name!r} is not allowed: hidden and system columns are not queryable.",
                )
        elif kind == _SELECT:
            if not node.expressions:
                raise SqlRejectedError("syntax", "The SELECT has no columns; list what to return.")
        elif kind == _PARAMETER:
            raise SqlRejectedError(
                "unbound_parameter",
                f"The SQL contains an unfilled parameter ({node.sql()}). Replace it with a literal value.",
            )
        with_ = node.args.get("with_") if kind in (_SELECT, _QUERY) else None
        if isinstance(with_, exp.With):
            visible = _push_ctes(stack, with_, visible)
            for key, value in node.args.items():
                if key != "with_":
                    _push(stack, value, visible)
            continue
        for value in node.args.values():
            _push(stack, value, visible)
    return tuple(sorted(tables))


def _push(stack: list[tuple[exp.Expression, frozenset[str]]], value: object, visible: frozenset[str]) -> None:
    if isinstance(value, exp.Expression):
        stack.append((value, visible))
    elif isinstance(value, list):
        stack.extend((item, visible) for item in value if isinstance(item, exp.Expression))


def _push_ctes(
    stack: list[tuple[exp.Expression, frozenset[str]]], with_: exp.With, visible: frozenset[str]
) -> frozenset[str]:
    """Queue each CTE's body with the names it can see; return the names the main query sees.

    A CTE's body sees the CTEs of outer scopes and those defined before it in the same ``WITH``, never itself
    (a self-reference is the base relation of that name, as both engines read it without ``RECURSIVE``).
    """
    if with_.args.get("recursive"):
        raise SqlRejectedError(
            "recursive",
            "WITH RECURSIVE is not allowed. Use a plain WITH, joins and aggregates over the curated tables.",
        )
    for key in ("search", "cycle", "udfs"):
        if with_.args.get(key):
            raise SqlRejectedError(
                "forbidden_statement", "Only plain WITH name AS (SELECT …) definitions are allowed."
            )
    seen = visible
    for cte in with_.expressions:
        if not isinstance(cte, exp.CTE) or not isinstance(cte.this, exp.Query):
            raise SqlRejectedError("syntax", "Each WITH definition must be a SELECT query.")
        stack.append((cast(exp.Expression, cte.this), seen))
        alias = cte.args.get("alias")
        if alias is not None:
            stack.append((alias, seen))
        seen = seen | {cte.alias_or_name.lower()}
    return seen


def _check_table_options(table: exp.Table) -> None:
    if not isinstance(table.this, exp.Identifier):
        raise SqlRejectedError(
            "table_function",
            "Table functions are not allowed in FROM; read the curated tables by name "
            "(e.g. post_call_analytics.calls).",
        )
    for key in ("version", "system_time", "changes", "partition", "format", "pattern", "rows_from", "when"):
        if table.args.get(key):
            raise SqlRejectedError(
                "table_reference",
                f"{table.sql(dialect='athena')!r}: time travel and table options are not allowed; "
                "read the curated tables by name.",
            )


def _check_function(node: exp.Expression, functions: AllowedFunctions | None) -> None:
    if functions is not None:
        if functions.allows(node):
            return
        name = _function_name(node)
        raise SqlRejectedError(
            "forbidden_function",
            f"The function {name}() is not allowed: use standard Athena (Trino) scalar, aggregate and "
            "window functions over the curated tables.",
        )
    if isinstance(node, exp.Anonymous) and _FORBIDDEN_FUNCTION.match(node.name.lower()):
        raise SqlRejectedError("forbidden_function", f"the function {node.name.lower()}()")


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous) or not isinstance(node, exp.Func):
        return node.name.lower() or node.key
    return node.sql_name().lower()


def _check_one_table(table: exp.Table, policy: GuardPolicy) -> str:
    catalog = table.catalog.lower()
    database = table.db.lower()
    name = table.name.lower()
    if catalog and catalog != policy.catalog:
        raise SqlRejectedError(
            "catalog",
            f"The catalog {table.catalog!r} is not allowed; use {policy.database}.<table> without a catalog.",
        )
    if database and database != policy.database:
        raise SqlRejectedError(
            "database",
            f"The database {table.db!r} is not allowed; only {policy.database} can be queried.",
        )
    if name not in policy.allowed_tables:
        known = ", ".join(sorted(policy.allowed_tables))
        raise SqlRejectedError(
            "unknown_table",
            f"{policy.database}.{name} is not a curated table. Available tables: {known}.",
        )
    # Normalise every reference to <database>.<table>, valid on both engines.
    table.set("catalog", None)
    table.set("db", exp.to_identifier(policy.database))
    table.set("this", exp.to_identifier(name))
    return name


def _clamp_limit(query: exp.Query, max_rows: int) -> tuple[int, bool]:
    current = query.args.get("limit")
    requested: int | None = None
    if isinstance(current, exp.Limit):
        requested = _int_literal(current.expression)
    elif isinstance(current, exp.Fetch):
        count = current.args.get("count")
        requested = 1 if count is None else _int_literal(count)  # FETCH FIRST ROW ONLY is one row
        options = current.args.get("limit_options")
        if options is not None and options.args.get("with_ties"):
            raise SqlRejectedError("limit", "FETCH … WITH TIES is not supported; use ORDER BY … LIMIT n.")
        if options is not None and options.args.get("percent"):
            requested = None
    if current is not None and requested is None:
        raise SqlRejectedError("limit", "LIMIT must be a whole number, e.g. LIMIT 100.")
    limit = max_rows if requested is None else min(requested, max_rows)
    query.set("limit", exp.Limit(expression=exp.Literal.number(limit)))
    return limit, requested is None or requested > max_rows


def _int_literal(node: exp.Expression | None) -> int | None:
    if isinstance(node, exp.Literal) and node.is_int:
        value = int(node.this)
        return value if value >= 0 else None
    return None


def _describe(node: exp.Expression) -> str:
    if isinstance(node, exp.Command):
        return f"the command {str(node.this).upper()}"
    if isinstance(node, exp.Alias):
        return "text that is not a SQL query"
    if isinstance(node, exp.Func):
        return f"the function {node.sql_name().lower()}()"
    return f"a {node.key.upper()} statement" if isinstance(node, exp.DDL | exp.DML) else node.key.upper()


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
