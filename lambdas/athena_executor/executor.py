"""What the action group does, free of Lambda plumbing: guard and run SQL, describe a table.

Each call returns a :class:`ToolResult`: the body text for the agent and whether the agent should be asked
to try again (``REPROMPT``) because its SQL was refused or failed. Bodies are compact JSON kept under the
Bedrock response cap: column names once, rows as arrays, long text cut short, and a ``truncated`` flag.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdas.athena_executor.catalog import SchemaCatalog, UnknownTableError
from lambdas.shared.query_engines import (
    ATHENA_WORKGROUP,
    JsonValue,
    QueryEngine,
    QueryFailedError,
    QueryResult,
    QueryTimeoutError,
)
from lambdas.shared.sql_guard import CURATED_DATABASE, GuardPolicy, SqlRejectedError, guard_sql

TRUNCATION_MARK = "…"


@dataclass(frozen=True)
class ExecutorSettings:
    """Configuration, read from the environment in one place (defaults serve the embedded run)."""

    engine: str = "athena"
    workgroup: str = ATHENA_WORKGROUP
    database: str = CURATED_DATABASE
    data_dir: Path = Path("data")
    max_result_rows: int = 100
    max_limit_rows: int = 1000
    max_response_bytes: int = 22_000
    max_text_chars: int = 500
    query_timeout_seconds: float = 50.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ExecutorSettings:
        env = os.environ if env is None else env
        return cls(
            engine=env.get("PCA_QUERY_ENGINE", "athena").lower(),
            workgroup=env.get("PCA_ATHENA_WORKGROUP", ATHENA_WORKGROUP),
            database=env.get("PCA_ATHENA_DATABASE", CURATED_DATABASE),
            data_dir=Path(env.get("PCA_DATA_DIR", "data")),
            max_result_rows=int(env.get("PCA_MAX_RESULT_ROWS", "100")),
            max_response_bytes=int(env.get("PCA_MAX_RESPONSE_BYTES", "22000")),
            query_timeout_seconds=float(env.get("PCA_QUERY_TIMEOUT_SECONDS", "50")),
        )


@dataclass
class ToolResult:
    """A function response: the text body, whether to reprompt, and figures for metrics."""

    body: str
    reprompt: bool = False
    outcome: str = "ok"  # ok | rejected | failed | not_found
    result: QueryResult | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class AthenaExecutor:
    """Runs the agent's SQL through the guard and an engine, and serves the schema catalog."""

    def __init__(
        self,
        engine: QueryEngine,
        catalog: SchemaCatalog,
        settings: ExecutorSettings,
        metrics: Any = None,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.settings = settings
        self._metrics = metrics  # a MetricCompiler; built from the committed semantic manifest on first use
        self.policy = GuardPolicy(
            allowed_tables=frozenset(catalog.table_names),
            database=catalog.database,
            max_rows=settings.max_limit_rows,
        )

    def execute_sql_query(self, sql_query: object) -> ToolResult:
        """Guard and run ``sql_query``; one deadline covers execution, conversion and compaction."""
        deadline = time.monotonic() + self.settings.query_timeout_seconds
        if sql_query is not None and not isinstance(sql_query, str):
            return _error_result(
                "rejected",
                "parameter",
                f"sql_query must be SQL text (a string), not {_kind(sql_query)}. Send one read-only SELECT.",
            )
        try:
            guarded = guard_sql(sql_query or "", self.policy)
            sql = guarded.sql  # the Athena text, checked again after printing
        except SqlRejectedError as error:
            return _error_result(
                "rejected",
                error.reason,
                f"{error.message} The query was not run. Send one corrected read-only SELECT.",
            )
        try:
            result = self.engine.execute(
                guarded, max_rows=min(self.settings.max_result_rows, guarded.limit), deadline=deadline
            )
            body = compact_result(
                result,
                sql=sql,
                max_bytes=self.settings.max_response_bytes,
                max_text_chars=self.settings.max_text_chars,
                deadline=deadline,
            )
        except SqlRejectedError as error:
            return _error_result("rejected", error.reason, error.message)
        except QueryTimeoutError as error:
            return _error_result("failed", "timeout", str(error), sql=sql)
        except QueryFailedError as error:
            return _error_result(
                "failed",
                "query_error",
                f"{error} Check table and column names with get_table_schema, then send a corrected query.",
                sql=sql,
            )
        return ToolResult(body=body, result=result)

    def query_metrics(
        self,
        metrics: str | None,
        group_by: str | None = None,
        filters: str | None = None,
        period: str | None = None,
        order_by: str | None = None,
    ) -> ToolResult:
        """Compile a metric query with the semantic layer (MetricFlow), then guard and run it like any SQL."""
        from lambdas.shared.answering.semantic import (
            MetricCompiler,
            MetricRequestError,
            SemanticLayerError,
            SemanticManifest,
            metric_query_from_request,
        )

        try:
            if self._metrics is None:
                self._metrics = MetricCompiler(SemanticManifest.load())
            query = metric_query_from_request(
                self._metrics.manifest,
                metrics or "",
                group_by or "",
                filters or "",
                period or "",
                order_by or "",
            )
            sql = self._metrics.compile(query)
        except MetricRequestError as error:
            return _error_result("rejected", "invalid_metric_query", str(error))
        except SemanticLayerError as error:
            return _error_result("failed", "metric_compile_error", str(error))
        result = self.execute_sql_query(sql)
        if result.outcome != "ok":
            return result
        definitions = {name: self._metrics.manifest.metrics[name].description for name in query.metrics}
        payload = json.loads(result.body)
        payload["metric_definitions"] = definitions
        return ToolResult(body=_dumps(payload), result=result.result)

    def get_table_schema(self, table_name: object) -> ToolResult:
        if table_name is not None and not isinstance(table_name, str):
            return _error_result(
                "not_found",
                "parameter",
                f"table_name must be a table name (a string), not {_kind(table_name)}.",
            )
        if not table_name or not table_name.strip():
            return ToolResult(
                body=_dumps({"tables": self.catalog.table_names, "hint": "Ask for one table by name."}),
                reprompt=True,
                outcome="not_found",
            )
        try:
            table = self.catalog.table(table_name)
        except UnknownTableError:
            return _error_result(
                "not_found",
                "unknown_table",
                f"There is no curated table {table_name!r}. Available tables: "
                f"{', '.join(self.catalog.table_names)}.",
            )
        return ToolResult(body=_fit_schema(table, self.settings.max_response_bytes))


MAX_ERROR_MESSAGE_CHARS = 2_000
MAX_ECHOED_SQL_CHARS = 8_000


def _error_result(outcome: str, reason: str, message: str, **extra: Any) -> ToolResult:
    """An error body: the message and any echoed text are cut short, so it stays far below Bedrock's 25 KB."""
    payload: dict[str, Any] = {
        "error": {"type": outcome, "reason": reason, "message": _cut(message, MAX_ERROR_MESSAGE_CHARS)}
    }
    payload.update({k: _cut(v, MAX_ECHOED_SQL_CHARS) if isinstance(v, str) else v for k, v in extra.items()})
    return ToolResult(body=_dumps(payload), reprompt=True, outcome=outcome)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + TRUNCATION_MARK


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


MAX_LIST_ITEMS = 100


def _shorten(value: JsonValue, max_chars: int) -> JsonValue:
    if isinstance(value, str) and len(value) > max_chars:
        return value[:max_chars] + TRUNCATION_MARK
    if isinstance(value, list):
        items = [_shorten(v, max_chars) for v in value[:MAX_LIST_ITEMS]]
        return [*items, TRUNCATION_MARK] if len(value) > MAX_LIST_ITEMS else items
    if isinstance(value, dict):
        return {k: _shorten(v, max_chars) for k, v in list(value.items())[:MAX_LIST_ITEMS]}
    return value


def compact_result(
    result: QueryResult, *, sql: str, max_bytes: int, max_text_chars: int, deadline: float | None = None
) -> str:
    """The result as compact JSON no larger than ``max_bytes`` (UTF-8), dropping trailing rows if needed.

    Long text and long lists are cut first; then as many leading rows are kept as fit, measured row by row.
    Raises :class:`QueryTimeoutError` if ``deadline`` (``time.monotonic()``) passes on the way.
    """
    rows = [[_shorten(v, max_text_chars) for v in row] for row in result.rows]
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeoutError("The result could not be prepared in time; select fewer or smaller columns.")

    def render(kept: int, is_truncated: bool) -> str:
        payload: dict[str, Any] = {
            "columns": result.columns,
            "rows": rows[:kept],
            "row_count": kept,
            "truncated": is_truncated,
            "sql": sql,
        }
        if result.bytes_scanned is not None:
            payload["bytes_scanned"] = result.bytes_scanned
        if is_truncated:
            payload["note"] = (
                "More rows exist than are shown. "
                "Aggregate, filter, or add ORDER BY … LIMIT for a complete answer."
            )
        return _dumps(payload)

    body = render(len(rows), result.truncated)
    if len(body.encode("utf-8")) <= max_bytes:
        return body
    budget = max_bytes - len(render(0, True).encode("utf-8")) - len(str(len(rows)))
    kept = 0
    for row in rows:
        budget -= len(_dumps(row).encode("utf-8")) + 1
        if budget < 0:
            break
        kept += 1
    body = render(kept, True)
    while kept > 0 and len(body.encode("utf-8")) > max_bytes:
        kept -= 1
        body = render(kept, True)
    return body


def _fit_schema(table: dict[str, Any], max_bytes: int) -> str:
    body = _dumps(table)
    if len(body.encode("utf-8")) <= max_bytes:
        return body
    slim = dict(table)
    slim["columns"] = [
        {k: v for k, v in column.items() if k in ("name", "data_type", "description", "unit")}
        for column in table.get("columns", [])
    ]
    return _dumps(slim)
