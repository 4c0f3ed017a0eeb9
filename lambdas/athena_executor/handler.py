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
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import BedrockAgentFunctionResolver
from aws_lambda_powertools.event_handler.bedrock_agent_function import BedrockFunctionResponse
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.athena_executor.catalog import SchemaCatalog
from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings, ToolResult
from lambdas.shared.query_engines import AthenaEngine, DuckDbEngine, QueryEngine
from lambdas.shared.sql_functions import allowed_functions

logger = Logger(service="athena-executor")
metrics = Metrics(namespace="PostCallAnalytics", service="athena-executor")
metrics_recorder = metrics  # the name ``metrics`` is also query_metrics' parameter
tracer = Tracer(service="athena-executor")
app = BedrockAgentFunctionResolver(
    serializer=lambda body: body if isinstance(body, str) else json.dumps(body)
)

allowed_functions()  # derive the function allow-list during the Lambda's init phase, not on the first query

_executor: AthenaExecutor | None = None
_executor_lock = threading.Lock()


def build_engine(settings: ExecutorSettings) -> QueryEngine:
    if settings.engine == "duckdb":
        data_dir = settings.data_dir.resolve()
        # Answers come from the marts-only answer database beside the warehouse (written on first use if
        # missing or older than the warehouse); the lake itself is never opened.
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


# The functions of the action group and the string parameters each takes.
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "execute_sql_query": ("sql_query",),
    "get_table_schema": ("table_name",),
    "query_metrics": ("metrics", "group_by", "filters", "period", "order_by"),
}
MAX_ECHO_CHARS = 200


def _plain_response(event: Mapping[str, Any], error_type: str, message: str) -> dict[str, Any]:
    """A REPROMPT function response built by hand from whatever the event holds (it may be malformed)."""
    session = event.get("sessionAttributes")
    prompt_session = event.get("promptSessionAttributes")
    body = json.dumps({"error": {"type": error_type, "message": message}}, ensure_ascii=False)
    return {
        "messageVersion": "1.0",
        "response": {
            "actionGroup": str(event.get("actionGroup") or "AthenaQueryExecutor")[:MAX_ECHO_CHARS],
            "function": str(event.get("function") or "")[:MAX_ECHO_CHARS],
            "functionResponse": {"responseState": "REPROMPT", "responseBody": {"TEXT": {"body": body}}},
        },
        "sessionAttributes": session if isinstance(session, dict) else {},
        "promptSessionAttributes": prompt_session if isinstance(prompt_session, dict) else {},
    }


def _parameter_problem(function: str, parameters: object) -> str | None:
    """Why the parameters cannot be used (``None`` if they can): a list of {name, type, value} objects whose
    one known name carries a string value."""
    expected = FUNCTIONS[function]
    names = ", ".join(expected)
    shape = (
        f"{function} takes {'one parameter' if len(expected) == 1 else 'the parameters'} {names}, as strings: "
        "parameters = [{name, type, value}]."
    )
    if not isinstance(parameters, list) or not all(isinstance(p, dict) for p in parameters):
        return f"The parameters are malformed. {shape}"
    for parameter in parameters:
        name, value = parameter.get("name"), parameter.get("value")
        if name not in expected:
            return f"Unknown parameter {str(name)[:MAX_ECHO_CHARS]!r}. {shape}"
        if not isinstance(value, str):
            return f"The parameter {name} must be a string, not {type(value).__name__}. {shape}"
        if parameter.get("type", "string") != "string":
            return (
                f"The parameter {name} must have type string, not "
                f"{str(parameter.get('type'))[:MAX_ECHO_CHARS]!r}. {shape}"
            )
    return None


def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    """The Lambda entry point. Whatever the event, it answers with a function response and never raises."""
    try:
        response: dict[str, Any] = _handle(event, context)
        return response
    except Exception:  # a malformed event or an unexpected failure must still get an answer the agent can use
        logger.exception("the event could not be handled")
        return _plain_response(
            event if isinstance(event, dict) else {},
            "internal_error",
            "The request could not be handled. Call execute_sql_query(sql_query), get_table_schema(table_name) "
            "or query_metrics(metrics, group_by, filters, period, order_by).",
        )


@logger.inject_lambda_context(correlation_id_path="sessionId", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def _handle(event: Any, context: LambdaContext) -> dict[str, Any]:
    if not isinstance(event, dict):
        metrics.add_metric(name="MalformedEvents", unit=MetricUnit.Count, value=1)
        return _plain_response({}, "malformed_event", "The event is not a Bedrock agent function call.")
    function = event.get("function")
    if not isinstance(function, str) or function not in FUNCTIONS:
        metrics.add_metric(name="UnknownFunctions", unit=MetricUnit.Count, value=1)
        known = ", ".join(sorted(FUNCTIONS))
        return _plain_response(event, "unknown_function", f"Unknown function. Use one of: {known}.")
    parameters = event.get("parameters")
    problem = _parameter_problem(function, [] if parameters is None else parameters)
    if problem is not None:
        metrics.add_metric(name="Rejections", unit=MetricUnit.Count, value=1)
        return _plain_response(event, "rejected", problem)
    event = {
        "messageVersion": "1.0",
        "agent": {},
        "inputText": "",
        "sessionId": "",
        "actionGroup": "AthenaQueryExecutor",
        "sessionAttributes": {},
        "promptSessionAttributes": {},
        **event,
        # The runbook's direct invocation omits each parameter's type; Bedrock always sends it.
        "parameters": [{"name": p["name"], "type": "string", "value": p["value"]} for p in parameters or []],
    }
    response: dict[str, Any] = app.resolve(event, context)
    return response
