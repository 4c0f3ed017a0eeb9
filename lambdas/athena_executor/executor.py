"""What the action group does, free of Lambda plumbing: guard and run SQL, describe a table.

Each call returns a :class:`ToolResult`: the body text for the agent and whether the agent should be asked
to try again (``REPROMPT``) because its SQL was refused or failed. Bodies are compact JSON kept under the
Bedrock response cap: column names once, rows as arrays, long text cut short, and a ``truncated`` flag.
"""

from __future__ import annotations

import json
import os
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

    def execute_sql_query(self, sql_query: str | None) -> ToolResult:
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
            result = self.engine.execute(guarded, max_rows=min(self.settings.max_result_rows, guarded.limit))
        except SqlRejectedError as error:
            return _error_result("rejected", error.reason, error.message)
        except QueryFailedError as error:
            return _error_result(
                "failed",
                "query_error",
                f"{error} Check table and column names with get_table_schema, then send a corrected query.",
                sql=sql,
            )
        body = compact_result(
            result,
            sql=sql,
            max_bytes=self.settings.max_response_bytes,
            max_text_chars=self.settings.max_text_chars,
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

    def get_table_schema(self, table_name: str | None) -> ToolResult:
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


def _error_result(outcome: str, reason: str, message: str, **extra: Any) -> ToolResult:
    payload: dict[str, Any] = {"error": {"type": outcome, "reason": reason, "message": message}}
    payload.update(extra)
    return ToolResult(body=_dumps(payload), reprompt=True, outcome=outcome)


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def _shorten(value: JsonValue, max_chars: int) -> JsonValue:
    if isinstance(value, str) and len(value) > max_chars:
        return value[:max_chars] + TRUNCATION_MARK
    if isinstance(value, list):
        return [_shorten(v, max_chars) for v in value]
    if isinstance(value, dict):
        return {k: _shorten(v, max_chars) for k, v in value.items()}
    return value


def compact_result(result: QueryResult, *, sql: str, max_bytes: int, max_text_chars: int) -> str:
    """The result as compact JSON no larger than ``max_bytes`` (UTF-8), dropping trailing rows if needed."""
    rows = [[_shorten(v, max_text_chars) for v in row] for row in result.rows]
    truncated = result.truncated

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

    body = render(len(rows), truncated)
    if len(body.encode("utf-8")) <= max_bytes:
        return body
    low, high = 0, len(rows)  # the largest row count that fits
    while low < high:
        middle = (low + high + 1) // 2
        if len(render(middle, True).encode("utf-8")) <= max_bytes:
            low = middle
        else:
            high = middle - 1
    return render(low, True)


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
