"""The ``llm`` answerer: a bounded tool-calling loop over the generated instruction, the schema catalog and
the guarded SQL executor, against any chat model that can call tools.

Two clients share one small interface (:class:`ChatClient`): :class:`OpenAICompatibleClient` (OpenAI's
``/chat/completions``, which Ollama, vLLM, LM Studio and most gateways also speak) and
:class:`BedrockConverseClient` (Amazon Bedrock's Converse API). The loop itself knows neither.

An answer counts only when it rests on SQL that ran: a model reply that never executed a query is
returned as a refusal, with the model's words as the reason.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchestration.answering.model import Answer, AnsweringError, refusal

SQL_TOOL = "execute_sql_query"
SQL_PARAMETER = "sql_query"
CATALOG_TOOL = "get_schema_catalog"


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments object


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Message:
    role: str  # user | assistant | tool
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    is_error: bool = False


class ChatClient(Protocol):
    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Message:
        """One model turn: the assistant's reply (text and/or tool calls)."""
        ...


@dataclass(frozen=True)
class QueryOutcome:
    sql: str  # the SQL that actually ran (after the guard)
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


class SqlTools(Protocol):
    """What the loop may do with the lake: read the catalog, run one guarded query."""

    def catalog(self) -> str: ...

    def run_sql(self, sql: str) -> QueryOutcome:
        """Guard and execute ``sql``; raise an exception whose message the model can act on."""
        ...


def tool_specs() -> list[ToolSpec]:
    return [
        ToolSpec(
            SQL_TOOL,
            "Run one read-only SQL query against the curated post_call_analytics marts and return its rows.",
            {
                "type": "object",
                "properties": {
                    SQL_PARAMETER: {"type": "string", "description": "A single SELECT statement."}
                },
                "required": [SQL_PARAMETER],
            },
        ),
        ToolSpec(
            CATALOG_TOOL,
            "Return the schema catalog: every mart, its columns, their types and descriptions.",
            {"type": "object", "properties": {}},
        ),
    ]


# ---------------------------------------------------------------------------------------------- the loop


@dataclass
class LlmAnswerer:
    client: ChatClient
    tools: SqlTools
    instruction: str
    max_turns: int = 8
    max_rows_to_model: int = 50
    name: str = "llm"
    _sessions: dict[str, list[Message]] = field(default_factory=dict, repr=False)

    def answer(self, question: str, *, session_id: str | None = None) -> Answer:
        history = list(self._sessions.get(session_id, [])) if session_id else []
        messages: list[Message] = [*history, Message("user", question)]
        last: QueryOutcome | None = None
        specs = tool_specs()
        for _ in range(self.max_turns):
            reply = self.client.complete(self.instruction, messages, specs)
            messages.append(reply)
            if not reply.tool_calls:
                if session_id:
                    self._sessions[session_id] = messages
                if last is None:
                    return refusal(
                        question,
                        self.name,
                        reply.text or "The model gave no answer.",
                        session_id=session_id,
                    )
                return Answer(
                    question=question,
                    text=reply.text,
                    answerer=self.name,
                    sql=last.sql,
                    columns=last.columns,
                    rows=last.rows,
                    session_id=session_id,
                )
            for call in reply.tool_calls:
                content, is_error, outcome = self._run_tool(call)
                if outcome is not None:
                    last = outcome
                messages.append(Message("tool", content, tool_call_id=call.id, is_error=is_error))
        return refusal(
            question,
            self.name,
            f"No answer within {self.max_turns} model turns.",
            session_id=session_id,
        )

    def _run_tool(self, call: ToolCall) -> tuple[str, bool, QueryOutcome | None]:
        if call.name == CATALOG_TOOL:
            return self.tools.catalog(), False, None
        if call.name != SQL_TOOL:
            return f"Unknown tool {call.name!r}; use {SQL_TOOL} or {CATALOG_TOOL}.", True, None
        sql = call.arguments.get(SQL_PARAMETER)
        if not isinstance(sql, str) or not sql.strip():
            return f"{SQL_TOOL} needs the argument {SQL_PARAMETER!r} (one SELECT statement).", True, None
        try:
            outcome = self.tools.run_sql(sql)
        except Exception as error:  # the error goes back to the model, which may correct its SQL
            return f"SQL error: {error}", True, None
        shown = [list(row) for row in outcome.rows[: self.max_rows_to_model]]
        body = {
            "sql": outcome.sql,
            "columns": list(outcome.columns),
            "rows": shown,
            "row_count": len(outcome.rows),
            "truncated": len(outcome.rows) > len(shown),
        }
        return json.dumps(body, default=str), False, outcome


# ---------------------------------------------------------------------------------- OpenAI-compatible


@dataclass
class OpenAICompatibleClient:
    """``POST {base_url}/chat/completions`` with function tools (OpenAI, Ollama's ``/v1``, vLLM, ...)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_seconds: float = 120.0
    temperature: float = 0.0

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Message:
        body = {
            "model": self.model,
            "temperature": self.temperature,
            "messages": [{"role": "system", "content": system}, *(self._message(m) for m in messages)],
            "tools": [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in tools
            ],
        }
        response = self._post(body)
        try:
            message = response["choices"][0]["message"]
        except (KeyError, IndexError, TypeError) as error:
            raise AnsweringError(f"Unexpected chat completion response: {str(response)[:300]}") from error
        calls = []
        for raw in message.get("tool_calls") or []:
            function = raw.get("function", {})
            arguments = function.get("arguments") or {}
            if isinstance(arguments, str):
                try:
                    arguments = json.loads(arguments) if arguments.strip() else {}
                except json.JSONDecodeError:
                    arguments = {"_unparsed": arguments}
            calls.append(
                ToolCall(str(raw.get("id", function.get("name", ""))), function.get("name", ""), arguments)
            )
        return Message("assistant", message.get("content") or "", tuple(calls))

    @staticmethod
    def _message(message: Message) -> dict[str, Any]:
        if message.role == "tool":
            return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.text}
        if message.role == "assistant" and message.tool_calls:
            return {
                "role": "assistant",
                "content": message.text or None,
                "tool_calls": [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                    }
                    for c in message.tool_calls
                ],
            }
        return {"role": message.role, "content": message.text}

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        url = self.base_url.rstrip("/") + "/chat/completions"
        if not url.startswith(("http://", "https://")):
            raise AnsweringError(f"LLM base URL must be http(s): {self.base_url!r}")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                parsed: dict[str, Any] = json.loads(response.read())
                return parsed
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise AnsweringError(f"LLM endpoint {url} answered {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise AnsweringError(f"LLM endpoint {url} is unreachable: {error}") from error


# ---------------------------------------------------------------------------------- Bedrock Converse


@dataclass
class BedrockConverseClient:
    """Amazon Bedrock's Converse API with tool use (``bedrock-runtime`` ``converse``)."""

    model_id: str
    client: Any  # a boto3 bedrock-runtime client
    max_tokens: int = 2048
    temperature: float = 0.0

    @classmethod
    def create(cls, model_id: str, region: str | None = None) -> BedrockConverseClient:
        import boto3

        return cls(model_id, boto3.client("bedrock-runtime", region_name=region))

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Message:
        response = self.client.converse(
            modelId=self.model_id,
            system=[{"text": system}],
            messages=self._messages(messages),
            toolConfig={
                "tools": [
                    {
                        "toolSpec": {
                            "name": t.name,
                            "description": t.description,
                            "inputSchema": {"json": t.parameters},
                        }
                    }
                    for t in tools
                ]
            },
            inferenceConfig={"maxTokens": self.max_tokens, "temperature": self.temperature},
        )
        content = response.get("output", {}).get("message", {}).get("content", [])
        texts = [block["text"] for block in content if "text" in block]
        calls = [
            ToolCall(
                block["toolUse"]["toolUseId"],
                block["toolUse"]["name"],
                dict(block["toolUse"].get("input") or {}),
            )
            for block in content
            if "toolUse" in block
        ]
        return Message("assistant", "\n".join(texts), tuple(calls))

    @staticmethod
    def _messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
        """Converse wants user/assistant turns alternating; tool results travel in one user turn."""
        out: list[dict[str, Any]] = []
        for message in messages:
            if message.role == "tool":
                block = {
                    "toolResult": {
                        "toolUseId": message.tool_call_id,
                        "content": [{"text": message.text}],
                        "status": "error" if message.is_error else "success",
                    }
                }
                if out and out[-1]["role"] == "user" and "toolResult" in out[-1]["content"][0]:
                    out[-1]["content"].append(block)
                else:
                    out.append({"role": "user", "content": [block]})
            elif message.role == "assistant":
                content: list[dict[str, Any]] = [{"text": message.text}] if message.text else []
                content += [
                    {"toolUse": {"toolUseId": c.id, "name": c.name, "input": c.arguments}}
                    for c in message.tool_calls
                ]
                out.append({"role": "assistant", "content": content})
            else:
                out.append({"role": "user", "content": [{"text": message.text}]})
        return out


ClientFactory = Callable[[], ChatClient]


@dataclass
class GuardedSqlTools:
    """The loop's tools over the shared guard and a query engine (DuckDB locally, Athena in AWS)."""

    engine: Any  # lambdas.shared.query_engines.QueryEngine
    catalog_text: Callable[[], str]
    policy: Any = None  # lambdas.shared.sql_guard.GuardPolicy; None = the guard's default
    max_rows: int = 1000

    def catalog(self) -> str:
        return self.catalog_text()

    def run_sql(self, sql: str) -> QueryOutcome:
        from lambdas.shared.sql_guard import guard_sql

        guarded = guard_sql(sql, self.policy)
        result = self.engine.execute(guarded, max_rows=min(self.max_rows, guarded.limit))
        return QueryOutcome(
            sql=guarded.to_dialect(self.engine.dialect),
            columns=tuple(result.columns),
            rows=tuple(tuple(row) for row in result.rows),
        )
