"""The SQL guard every engine runs before it executes anything.

Whatever SQL reaches Athena or DuckDB (written by the agent, taken from a verified query, or typed by a
person) passes :func:`guard_sql` first. The guard parses the text with sqlglot (Athena dialect) and accepts
only what it positively recognises:

- exactly one statement, and that statement is a query (``select``, a set operation, a parenthesised query);
- no write, DDL, command or session node anywhere in the tree (``insert``, ``create``, ``unload``, ``set``,
  ``pragma``, ``copy``, ``attach``, ``select … into`` …);
- every table read is a curated mart in the curated database (``post_call_analytics``), in the default
  catalog; CTE names are recognised through sqlglot's scope analysis, not by name alone;
- no table function and no function that reads files, URLs, settings or the environment (DuckDB can do all
  of these; Athena cannot, so SQL written for Athena never needs them);
- the outer ``LIMIT`` is clamped, the text length is capped and Markdown code fences are stripped.

The SQL that runs is the one sqlglot regenerates from the checked tree, never the text that came in, so a
parser/engine disagreement cannot smuggle anything past the checks. Comments are dropped.
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
from sqlglot.optimizer.scope import Scope, traverse_scope

CURATED_DATABASE = "post_call_analytics"
DEFAULT_CATALOG = "awsdatacatalog"
DEFAULT_MAX_ROWS = 1000
DEFAULT_MAX_SQL_CHARS = 10_000

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
_PLAIN, _TABLE, _CTE, _SELECT, _FORBIDDEN, _PARAMETER, _IDENTIFIER, _FUNCTION = range(8)
_NODE_KIND: dict[type, int] = {}


def _node_kind(cls: type) -> int:
    if issubclass(cls, exp.Table):
        kind = _TABLE
    elif issubclass(cls, _FORBIDDEN_NODES):
        kind = _FORBIDDEN
    elif issubclass(cls, exp.CTE):
        kind = _CTE
    elif issubclass(cls, exp.Select):
        kind = _SELECT
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


# Functions sqlglot does not model (exp.Anonymous) that read files, URLs, settings, secrets or the
# environment on DuckDB. None of them exists in Athena.
_FORBIDDEN_FUNCTION = re.compile(
    r"""^(
        read_\w*|\w+_scan|parquet_\w+|sniff_csv|glob|query|query_table|getenv|current_setting|
        duckdb_\w+|pragma_\w+|which_secret|load_aws_credentials|http_\w+|st_read\w*|iceberg_\w+|
        delta_\w+|sqlite_\w+|postgres_\w+|mysql_\w+|json_execute_serialized_sql|\w*substrait\w*|
        checkpoint|force_checkpoint|enable_\w+|disable_\w+|set_\w+|import_\w+|export_\w+|system|
        shell|load|install|attach|detach|copy|url_\w*|file_\w*|write_\w*|to_file
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

    allowed_tables: frozenset[str] | None = None
    database: str = CURATED_DATABASE
    catalog: str = DEFAULT_CATALOG
    max_rows: int = DEFAULT_MAX_ROWS
    max_sql_chars: int = DEFAULT_MAX_SQL_CHARS

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
            try:
                printed = _dialect(dialect).generate(
                    self._take_tree(), copy=False, comments=False, unsupported_level=ErrorLevel.RAISE
                )
            except SqlglotError as error:
                raise SqlRejectedError(
                    "untranslatable",
                    f"The query uses something that cannot run on {dialect}: {error}. "
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
        query = again[0]
        tables, ctes = _reject_forbidden_nodes(query)
        for table in tables:
            name = table.name.lower()
            if table.db.lower() == self.database and not table.catalog and name in self.tables:
                continue
            if not table.db and not table.catalog and name in ctes:
                continue
            raise SqlRejectedError("syntax", "The SQL is ambiguous; write it as one plain SELECT query.")


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
    table_nodes, ctes = _reject_forbidden_nodes(query)
    tables = _check_tables(query, policy, table_nodes, has_ctes=bool(ctes))
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


def _reject_forbidden_nodes(query: exp.Query | exp.Expression) -> tuple[list[exp.Table], set[str]]:
    """Refuse forbidden nodes; return the table nodes and CTE names seen on the way (one walk)."""
    tables: list[exp.Table] = []
    ctes: set[str] = set()
    kinds = _NODE_KIND
    for node in query.walk():
        kind = kinds.get(type(node))
        if kind is None:
            kind = _node_kind(type(node))
        if kind == _PLAIN:
            continue
        if kind == _TABLE:
            tables.append(cast(exp.Table, node))
        elif kind == _IDENTIFIER:
            if node.name.startswith("$"):
                raise SqlRejectedError(
                    "hidden_column",
                    f"The identifier {node.name!r} is not allowed: hidden and system columns are not queryable.",
                )
        elif kind == _FUNCTION:
            name = (node.name if isinstance(node, exp.Anonymous) else cast(exp.Func, node).sql_name()).lower()
            if _FORBIDDEN_FUNCTION.match(name):
                raise SqlRejectedError(
                    "forbidden_function",
                    f"The function {name}() is not allowed: it reaches outside the curated tables.",
                )
        elif kind == _SELECT:
            if not node.expressions:
                raise SqlRejectedError("syntax", "The SELECT has no columns; list what to return.")
        elif kind == _CTE:
            ctes.add(node.alias_or_name.lower())
        elif kind == _FORBIDDEN:
            raise SqlRejectedError(
                "forbidden_statement",
                f"{_describe(cast(exp.Expression, node))} is not allowed: queries may only read the curated tables.",
            )
        elif kind == _PARAMETER:
            raise SqlRejectedError(
                "unbound_parameter",
                f"The SQL contains an unfilled parameter ({node.sql()}). Replace it with a literal value.",
            )
    return tables, ctes


def _check_tables(
    query: exp.Query, policy: GuardPolicy, table_nodes: list[exp.Table], *, has_ctes: bool
) -> tuple[str, ...]:
    if not has_ctes:
        # Without CTEs every table node is a real table: no scope analysis needed.
        return tuple(sorted({_check_one_table(t, policy) for t in table_nodes}))
    try:
        scopes = traverse_scope(query)
    except (SqlglotError, RecursionError) as error:
        raise SqlRejectedError(
            "unanalysable", f"The query's structure could not be checked: {error}"
        ) from error

    checked: set[int] = set()
    tables: set[str] = set()
    for scope in scopes:
        for table in scope.tables:
            checked.add(id(table))
            source = scope.sources.get(table.alias_or_name)
            if isinstance(source, Scope) and not table.args.get("db") and not table.args.get("catalog"):
                continue  # a reference to a CTE defined in scope
            tables.add(_check_one_table(table, policy))

    for table in table_nodes:
        if id(table) not in checked:
            raise SqlRejectedError(
                "table_reference",
                f"The table reference {table.sql(dialect='athena')!r} is not allowed here. "
                f"Read curated tables by name, e.g. {policy.database}.calls.",
            )
    return tuple(sorted(tables))


def _check_one_table(table: exp.Table, policy: GuardPolicy) -> str:
    if not isinstance(table.this, exp.Identifier):
        raise SqlRejectedError(
            "table_function",
            "Table functions are not allowed in FROM; read the curated tables by name "
            f"(e.g. {policy.database}.calls).",
        )
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
    if policy.allowed_tables is not None and name not in policy.allowed_tables:
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
        requested = _int_literal(current.args.get("count"))
        options = current.args.get("limit_options")
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
