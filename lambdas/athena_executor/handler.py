"""Lambda entry point of the ``AthenaQueryExecutor`` action group (Bedrock "function details" events).

Functions: ``execute_sql_query(sql_query)`` runs one guarded read-only query and returns compact rows;
``get_table_schema(table_name)`` returns one mart's columns from the schema catalog generated from dbt;
``query_metrics(metrics, group_by, filters, period, order_by)`` compiles a metric query with the semantic
layer (MetricFlow, the same compiler as the offline answerer) and runs it like ``execute_sql_query``.
A refused or failing query comes back with ``responseState: REPROMPT`` and a message the agent can act on.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import BedrockAgentFunctionResolver
from aws_lambda_powertools.event_handler.bedrock_agent_function import (
    BedrockFunctionResponse,
    BedrockFunctionsResponseBuilder,
)
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import BedrockAgentFunctionEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.athena_executor.catalog import SchemaCatalog
from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings, ToolResult
from lambdas.shared.query_engines import AthenaEngine, DuckDbEngine, QueryEngine

logger = Logger(service="athena-executor")
metrics = Metrics(namespace="PostCallAnalytics", service="athena-executor")
metrics_recorder = metrics  # the name ``metrics`` is also query_metrics' parameter
tracer = Tracer(service="athena-executor")
app = BedrockAgentFunctionResolver(
    serializer=lambda body: body if isinstance(body, str) else json.dumps(body)
)

_executor: AthenaExecutor | None = None
_executor_lock = threading.Lock()


def build_engine(settings: ExecutorSettings) -> QueryEngine:
    if settings.engine == "duckdb":
        data_dir = settings.data_dir.resolve()
        return DuckDbEngine(
            data_dir / "warehouse.duckdb", data_dir / "lake", timeout_seconds=settings.query_timeout_seconds
        )
    if settings.engine == "athena":
        import boto3

        return AthenaEngine(
            boto3.client("athena"),
            workgroup=settings.workgroup,
            database=settings.database,
            timeout_seconds=settings.query_timeout_seconds,
        )
    raise ValueError(f"PCA_QUERY_ENGINE must be 'athena' or 'duckdb', not {settings.engine!r}")


def get_executor() -> AthenaExecutor:
    """The executor for this container, built once from the environment."""
    global _executor
    with _executor_lock:
        if _executor is None:
            settings = ExecutorSettings.from_env()
            _executor = AthenaExecutor(build_engine(settings), SchemaCatalog.load(), settings)
        return _executor


def set_executor(executor: AthenaExecutor | None) -> None:
    """Use ``executor`` for the next invocations (``None`` rebuilds from the environment)."""
    global _executor
    with _executor_lock:
        _executor = executor


def _respond(result: ToolResult, tool: str) -> BedrockFunctionResponse:
    if result.outcome == "rejected":
        metrics.add_metric(name="Rejections", unit=MetricUnit.Count, value=1)
    elif result.outcome == "failed":
        metrics.add_metric(name="QueryErrors", unit=MetricUnit.Count, value=1)
    if result.result is not None:
        metrics.add_metric(
            name="QueryDuration", unit=MetricUnit.Milliseconds, value=result.result.duration_ms
        )
        if result.result.bytes_scanned is not None:
            metrics.add_metric(name="BytesScanned", unit=MetricUnit.Bytes, value=result.result.bytes_scanned)
    logger.info(
        "tool finished",
        extra={
            "tool": tool,
            "outcome": result.outcome,
            "rows": len(result.result.rows) if result.result else None,
            "bytes_scanned": result.result.bytes_scanned if result.result else None,
            "duration_ms": round(result.result.duration_ms, 1) if result.result else None,
            "response_bytes": len(result.body.encode("utf-8")),
        },
    )
    return BedrockFunctionResponse(body=result.body, response_state="REPROMPT" if result.reprompt else None)


@app.tool(name="execute_sql_query", description="Run one read-only Athena SQL query over the curated marts")
@tracer.capture_method
def execute_sql_query(sql_query: str = "") -> BedrockFunctionResponse:
    metrics.add_metric(name="Queries", unit=MetricUnit.Count, value=1)
    logger.info("query received", extra={"sql_query": sql_query[:2000]})
    return _respond(get_executor().execute_sql_query(sql_query), "execute_sql_query")


@app.tool(name="get_table_schema", description="Describe one curated table: columns, types, units, values")
@tracer.capture_method
def get_table_schema(table_name: str = "") -> BedrockFunctionResponse:
    metrics.add_metric(name="SchemaLookups", unit=MetricUnit.Count, value=1)
    return _respond(get_executor().get_table_schema(table_name), "get_table_schema")


@app.tool(name="query_metrics", description="Run a metric query compiled by the semantic layer")
@tracer.capture_method
def query_metrics(
    metrics: str = "", group_by: str = "", filters: str = "", period: str = "", order_by: str = ""
) -> BedrockFunctionResponse:
    metrics_recorder.add_metric(name="MetricQueries", unit=MetricUnit.Count, value=1)
    logger.info(
        "metric query received",
        extra={
            "metrics": metrics,
            "group_by": group_by,
            "filters": filters,
            "period": period,
            "order_by": order_by,
        },
    )
    result = get_executor().query_metrics(metrics, group_by, filters, period, order_by)
    return _respond(result, "query_metrics")


FUNCTIONS = ("execute_sql_query", "get_table_schema", "query_metrics")


def _unknown_function(event: dict[str, Any]) -> dict[str, Any]:
    metrics.add_metric(name="UnknownFunctions", unit=MetricUnit.Count, value=1)
    known = ", ".join(sorted(FUNCTIONS))
    response = BedrockFunctionResponse(
        body=json.dumps(
            {"error": {"type": "unknown_function", "message": f"Unknown function. Use one of: {known}."}}
        ),
        response_state="REPROMPT",
    )
    return BedrockFunctionsResponseBuilder(response).build(BedrockAgentFunctionEvent(event), app.serializer)


@logger.inject_lambda_context(correlation_id_path="sessionId", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = {"messageVersion": "1.0", **event}
    event.setdefault("actionGroup", "AthenaQueryExecutor")
    event.setdefault("function", "")
    # The runbook's direct invocation omits each parameter's type; Bedrock always sends it.
    event["parameters"] = [{"type": "string", **p} for p in event.get("parameters") or []]
    if event.get("function") not in FUNCTIONS:
        return _unknown_function(event)
    response: dict[str, Any] = app.resolve(event, context)
    return response
