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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lambdas.shared.answering.model import Answer, AnsweringError, refusal

SQL_TOOL = "execute_sql_query"
SQL_PARAMETER = "sql_query"
SCHEMA_TOOL = "get_table_schema"
SCHEMA_PARAMETER = "table_name"


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


@dataclass(frozen=True)
class ToolReply:
    body: str  # what the model reads
    is_error: bool = False
    outcome: QueryOutcome | None = None


class SqlTools(Protocol):
    """The action group's two functions, as the loop calls them."""

    def execute_sql_query(self, sql_query: str) -> ToolReply: ...

    def get_table_schema(self, table_name: str) -> ToolReply: ...


def _string_argument(name: str, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: {"type": "string", "description": description}},
        "required": [name],
    }


def tool_specs() -> list[ToolSpec]:
    """The same functions (names, parameters) as the ``AthenaQueryExecutor`` action group."""
    return [
        ToolSpec(
            SQL_TOOL,
            "Run one read-only SQL query (Athena/Trino SQL) against the curated post_call_analytics marts "
            "and return its rows as JSON.",
            _string_argument(SQL_PARAMETER, "A single SELECT statement."),
        ),
        ToolSpec(
            SCHEMA_TOOL,
            "Return one curated table's columns, types and descriptions from the schema catalog.",
            _string_argument(SCHEMA_PARAMETER, "A mart name, e.g. calls."),
        ),
    ]


# ---------------------------------------------------------------------------------------------- the loop


@dataclass
class LlmAnswerer:
    client: ChatClient
    tools: SqlTools
    instruction: str
    max_turns: int = 8
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
                result = self._run_tool(call)
                if result.outcome is not None:
                    last = result.outcome
                messages.append(Message("tool", result.body, tool_call_id=call.id, is_error=result.is_error))
        return refusal(
            question,
            self.name,
            f"No answer within {self.max_turns} model turns.",
            session_id=session_id,
        )

    def _run_tool(self, call: ToolCall) -> ToolReply:
        if call.name == SCHEMA_TOOL:
            return self.tools.get_table_schema(str(call.arguments.get(SCHEMA_PARAMETER) or ""))
        if call.name != SQL_TOOL:
            return ToolReply(f"Unknown function {call.name!r}; use {SQL_TOOL} or {SCHEMA_TOOL}.", True)
        sql = call.arguments.get(SQL_PARAMETER)
        if not isinstance(sql, str) or not sql.strip():
            return ToolReply(f"{SQL_TOOL} needs the argument {SQL_PARAMETER!r} (one SELECT).", True)
        return self.tools.execute_sql_query(sql)


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


@dataclass
class ExecutorTools:
    """The loop's tools backed by the action group's own executor (same guard, engine and reply bodies)."""

    executor: Any  # lambdas.athena_executor.executor.AthenaExecutor

    def execute_sql_query(self, sql_query: str) -> ToolReply:
        result = self.executor.execute_sql_query(sql_query)
        if result.outcome != "ok" or result.result is None:
            return ToolReply(result.body, is_error=True)
        sql = json.loads(result.body).get("sql", sql_query)
        outcome = QueryOutcome(
            sql=str(sql),
            columns=tuple(result.result.columns),
            rows=tuple(tuple(row) for row in result.result.rows),
        )
        return ToolReply(result.body, outcome=outcome)

    def get_table_schema(self, table_name: str) -> ToolReply:
        result = self.executor.get_table_schema(table_name)
        return ToolReply(result.body, is_error=result.outcome != "ok")
