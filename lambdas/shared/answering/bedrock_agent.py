"""The ``bedrock-agent`` answerer: InvokeAgent on the production agent alias.

The agent is called with a session id (so a follow-up question keeps its context) and with the trace
enabled. The answer text is the concatenated ``chunk`` events; the SQL and rows come from the trace: the
orchestration step whose ``invocationInput`` calls the ``AthenaQueryExecutor`` action group's
``execute_sql_query`` function, paired (by ``traceId``) with the ``observation`` that carries the action
group's output. An agent reply that rests on no successful query is returned as a refusal.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdas.shared.answering.model import Answer, AnsweringError, refusal

ACTION_GROUP = "AthenaQueryExecutor"
FUNCTION = "execute_sql_query"
PARAMETER = "sql_query"

# Error events the InvokeAgent event stream may carry instead of chunks and traces.
_STREAM_ERRORS = (
    "accessDeniedException",
    "badGatewayException",
    "conflictException",
    "dependencyFailedException",
    "internalServerException",
    "modelNotReadyException",
    "resourceNotFoundException",
    "serviceQuotaExceededException",
    "throttlingException",
    "validationException",
)


@dataclass(frozen=True)
class ActionGroupCall:
    trace_id: str
    sql: str
    output: str | None = None


@dataclass(frozen=True)
class AgentResult:
    """What one InvokeAgent call said and did."""

    text: str
    session_id: str
    calls: tuple[ActionGroupCall, ...]


def read_completion(events: Iterable[Mapping[str, Any]], session_id: str) -> AgentResult:
    """Fold the ``completion`` event stream into the reply text and the action-group calls, in order."""
    chunks: list[str] = []
    final_response: str | None = None
    calls: dict[str, ActionGroupCall] = {}
    order: list[str] = []
    for event in events:
        for error_name in _STREAM_ERRORS:
            if error_name in event:
                message = (
                    event[error_name].get("message", "") if isinstance(event[error_name], Mapping) else ""
                )
                raise AnsweringError(f"The Bedrock agent failed ({error_name}): {message}")
        if "chunk" in event:
            raw = event["chunk"].get("bytes", b"")
            chunks.append(raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else str(raw))
        trace = event.get("trace", {}).get("trace", {})
        orchestration = trace.get("orchestrationTrace", {})
        invocation = orchestration.get("invocationInput", {})
        action = invocation.get("actionGroupInvocationInput")
        if action and action.get("function") == FUNCTION:
            parameters = {p.get("name"): p.get("value") for p in action.get("parameters", [])}
            sql = parameters.get(PARAMETER)
            if isinstance(sql, str):
                trace_id = str(invocation.get("traceId") or f"call-{len(order)}")
                calls[trace_id] = ActionGroupCall(trace_id, sql)
                order.append(trace_id)
        observation = orchestration.get("observation", {})
        output = observation.get("actionGroupInvocationOutput")
        if output is not None:
            trace_id = str(observation.get("traceId") or (order[-1] if order else ""))
            if trace_id not in calls and order:
                trace_id = order[-1]
            if trace_id in calls:
                calls[trace_id] = ActionGroupCall(trace_id, calls[trace_id].sql, output.get("text"))
        final = observation.get("finalResponse")
        if final is not None and final.get("text"):
            final_response = final["text"]
    text = "".join(chunks) or final_response or ""
    return AgentResult(text=text, session_id=session_id, calls=tuple(calls[t] for t in order))


@dataclass(frozen=True)
class ParsedRows:
    sql: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    error: str | None


def parse_action_output(text: str | None) -> ParsedRows:
    """Read the executor's reply: JSON with ``columns``/``rows`` (lists or objects), or an ``error``."""
    if text is None:
        return ParsedRows(None, (), (), "no output")
    try:
        body: Any = json.loads(text)
    except json.JSONDecodeError:
        return ParsedRows(None, (), (), None if text.strip() else "empty output")
    if isinstance(body, Mapping) and body.get("error"):
        return ParsedRows(body.get("sql"), (), (), str(body.get("error")))
    raw_rows: Any = body.get("rows", []) if isinstance(body, Mapping) else body
    columns = list(body.get("columns", [])) if isinstance(body, Mapping) else []
    rows: list[tuple[Any, ...]] = []
    for row in raw_rows if isinstance(raw_rows, list) else []:
        if isinstance(row, Mapping):
            if not columns:
                columns = list(row)
            rows.append(tuple(row.get(c) for c in columns))
        elif isinstance(row, list | tuple):
            rows.append(tuple(row))
    sql = body.get("sql") if isinstance(body, Mapping) else None
    return ParsedRows(
        sql if isinstance(sql, str) else None, tuple(str(c) for c in columns), tuple(rows), None
    )


@dataclass
class BedrockAgentAnswerer:
    """Answers through the deployed Bedrock agent (``client`` is a boto3 ``bedrock-agent-runtime`` client)."""

    client: Any
    agent_id: str
    agent_alias_id: str
    name: str = "bedrock-agent"
    _new_session: Any = field(default=lambda: str(uuid.uuid4()), repr=False)

    @classmethod
    def create(cls, agent_id: str, agent_alias_id: str, region: str | None = None) -> BedrockAgentAnswerer:
        import boto3

        return cls(boto3.client("bedrock-agent-runtime", region_name=region), agent_id, agent_alias_id)

    def answer(self, question: str, *, session_id: str | None = None) -> Answer:
        session = session_id or self._new_session()
        try:
            response = self.client.invoke_agent(
                agentId=self.agent_id,
                agentAliasId=self.agent_alias_id,
                sessionId=session,
                inputText=question,
                enableTrace=True,
            )
        except Exception as error:  # botocore ClientError, endpoint and credential errors
            raise AnsweringError(f"InvokeAgent failed: {error}") from error
        try:
            result = read_completion(response["completion"], response.get("sessionId", session))
        except AnsweringError:
            raise
        except Exception as error:  # botocore raises EventStreamError while iterating an error event
            raise AnsweringError(f"The Bedrock agent failed: {error}") from error
        successful = [
            (call, parsed)
            for call in result.calls
            if (parsed := parse_action_output(call.output)).error is None and call.output is not None
        ]
        if not successful:
            return refusal(
                question,
                self.name,
                result.text or "The agent gave no answer.",
                session_id=result.session_id,
            )
        call, parsed = successful[-1]
        return Answer(
            question=question,
            text=result.text,
            answerer=self.name,
            sql=parsed.sql or call.sql,
            columns=parsed.columns,
            rows=parsed.rows,
            session_id=result.session_id,
        )
