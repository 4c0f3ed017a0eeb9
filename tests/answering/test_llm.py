from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from answering_fakes import ScriptedServer

from lambdas.athena_executor.catalog import SchemaCatalog
from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings
from lambdas.shared.answering.llm import (
    BedrockConverseClient,
    ExecutorTools,
    LlmAnswerer,
    OpenAICompatibleClient,
)
from lambdas.shared.answering.model import AnsweringError
from lambdas.shared.query_engines import DuckDbEngine

CALLS_SCHEMA = {
    "name": "calls",
    "description": "One row per call.",
    "columns": [
        {"name": "call_id", "data_type": "varchar", "description": "Contact id."},
        {"name": "team", "data_type": "varchar", "description": "Agent's team."},
        {"name": "direction", "data_type": "varchar", "description": "INBOUND or OUTBOUND."},
    ],
}
COUNT_SQL = "select count(*) as n from post_call_analytics.calls"


def _tools(tiny_warehouse: tuple[Path, Path]) -> ExecutorTools:
    warehouse, lake = tiny_warehouse
    catalog = SchemaCatalog.from_document({"database": "post_call_analytics", "tables": [CALLS_SCHEMA]})
    executor = AthenaExecutor(DuckDbEngine(warehouse, lake), catalog, ExecutorSettings(engine="duckdb"))
    return ExecutorTools(executor)


def _openai_tool_call(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": call_id,
                            "type": "function",
                            "function": {"name": name, "arguments": json.dumps(arguments)},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }


def _openai_text(text: str) -> dict[str, Any]:
    return {"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}


def test_openai_compatible_loop_reads_the_catalog_corrects_its_sql_and_answers(
    scripted_server: ScriptedServer, tiny_warehouse: tuple[Path, Path]
) -> None:
    scripted_server.script(
        _openai_tool_call("t1", "get_table_schema", {"table_name": "calls"}),
        _openai_tool_call(
            "t2", "execute_sql_query", {"sql_query": "select count(*) from post_call_analytics.cals"}
        ),
        _openai_tool_call(
            "t3",
            "execute_sql_query",
            {"sql_query": "select count(*) as total_calls from post_call_analytics.calls"},
        ),
        _openai_text("There are 6 calls."),
    )
    client = OpenAICompatibleClient(scripted_server.url + "/v1", "llama3.1", api_key="k-test")
    answerer = LlmAnswerer(client, _tools(tiny_warehouse), "You answer questions about calls.")

    answer = answerer.answer("How many total calls are in the database?")

    assert not answer.refused
    assert answer.text == "There are 6 calls."
    assert answer.answerer == "llm"
    assert answer.columns == ("total_calls",)
    assert answer.rows == ((6,),)
    assert "post_call_analytics.calls" in (answer.sql or "")
    paths = [path for path, _, _ in scripted_server.requests]
    assert paths == ["/v1/chat/completions"] * 4
    first = scripted_server.requests[0][1]
    assert first["messages"][0] == {"role": "system", "content": "You answer questions about calls."}
    assert {t["function"]["name"] for t in first["tools"]} == {"execute_sql_query", "get_table_schema"}
    assert scripted_server.requests[0][2]["Authorization"] == "Bearer k-test"
    # The catalog went back as the first tool result, the SQL error as the second.
    last_messages = scripted_server.requests[3][1]["messages"]
    tool_messages = [m for m in last_messages if m["role"] == "tool"]
    assert tool_messages[0]["tool_call_id"] == "t1"
    assert json.loads(tool_messages[0]["content"])["columns"][1]["name"] == "team"
    error = json.loads(tool_messages[1]["content"])["error"]
    assert error["type"] == "rejected"
    assert "cals" in error["message"]
    assert json.loads(tool_messages[2]["content"])["rows"] == [[6]]


def test_write_statements_from_the_model_are_refused_by_the_guard_and_never_run(
    scripted_server: ScriptedServer, tiny_warehouse: tuple[Path, Path]
) -> None:
    scripted_server.script(
        _openai_tool_call("t1", "execute_sql_query", {"sql_query": "drop table post_call_analytics.calls"}),
        _openai_text("Done, the table is gone."),
    )
    answerer = LlmAnswerer(
        OpenAICompatibleClient(scripted_server.url, "m"), _tools(tiny_warehouse), "instruction"
    )

    answer = answerer.answer("Please drop the calls table")

    assert answer.refused  # no query ran, so the model's claim is not presented as an answer
    tool_result = next(m for m in scripted_server.requests[1][1]["messages"] if m["role"] == "tool")
    assert json.loads(tool_result["content"])["error"]["reason"] == "not_a_query"
    reply = _tools(tiny_warehouse).execute_sql_query(COUNT_SQL)
    assert reply.outcome is not None
    assert reply.outcome.rows == ((6,),)


def test_the_loop_stops_after_the_turn_budget(
    scripted_server: ScriptedServer, tiny_warehouse: tuple[Path, Path]
) -> None:
    scripted_server.script(
        *[_openai_tool_call(f"t{i}", "get_table_schema", {"table_name": "calls"}) for i in range(3)]
    )
    answerer = LlmAnswerer(
        OpenAICompatibleClient(scripted_server.url, "m"), _tools(tiny_warehouse), "instruction", max_turns=3
    )

    answer = answerer.answer("anything")

    assert answer.refused
    assert "3 model turns" in answer.text
    assert len(scripted_server.requests) == 3


def test_follow_up_questions_in_a_session_send_the_earlier_turns(
    scripted_server: ScriptedServer, tiny_warehouse: tuple[Path, Path]
) -> None:
    scripted_server.script(
        _openai_tool_call(
            "t1", "execute_sql_query", {"sql_query": "select count(*) as n from post_call_analytics.calls"}
        ),
        _openai_text("6 calls."),
        _openai_tool_call(
            "t2",
            "execute_sql_query",
            {"sql_query": "select count(*) as n from post_call_analytics.calls where direction = 'INBOUND'"},
        ),
        _openai_text("4 of them were inbound."),
    )
    answerer = LlmAnswerer(OpenAICompatibleClient(scripted_server.url, "m"), _tools(tiny_warehouse), "i")

    answerer.answer("How many calls?", session_id="s-1")
    follow_up = answerer.answer("And how many were inbound?", session_id="s-1")

    assert follow_up.rows == ((4,),)
    sent = scripted_server.requests[2][1]["messages"]
    assert [m["content"] for m in sent if m["role"] == "user"] == [
        "How many calls?",
        "And how many were inbound?",
    ]


def test_an_http_error_from_the_endpoint_is_reported_not_swallowed(scripted_server: ScriptedServer) -> None:
    scripted_server.script({"error": {"message": "model not found"}}, status=404)
    client = OpenAICompatibleClient(scripted_server.url, "missing-model")

    with pytest.raises(AnsweringError, match=r"404.*model not found"):
        client.complete("system", [], [])


def _converse_reply(content: list[dict[str, Any]], stop: str) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 12},
    }


def test_bedrock_converse_loop_sends_tool_results_and_answers(
    scripted_server: ScriptedServer, tiny_warehouse: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    scripted_server.script(
        _converse_reply(
            [
                {"text": "Let me count."},
                {
                    "toolUse": {
                        "toolUseId": "tu-1",
                        "name": "execute_sql_query",
                        "input": {
                            "sql_query": "select team, count(*) as calls from post_call_analytics.calls "
                            "group by team order by team"
                        },
                    }
                },
            ],
            "tool_use",
        ),
        _converse_reply([{"text": "Billing East took 4 calls and Tech Support 2."}], "end_turn"),
    )
    runtime = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=scripted_server.url)
    client = BedrockConverseClient("anthropic.claude-3-5-sonnet-20240620-v1:0", runtime)
    answerer = LlmAnswerer(client, _tools(tiny_warehouse), "You answer questions about calls.")

    answer = answerer.answer("How many calls per team?")

    assert answer.rows == (("Billing East", 4), ("Tech Support", 2))
    assert answer.columns == ("team", "calls")
    assert answer.text == "Billing East took 4 calls and Tech Support 2."
    path, first, _ = scripted_server.requests[0]
    assert path == "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
    assert first["system"] == [{"text": "You answer questions about calls."}]
    assert {t["toolSpec"]["name"] for t in first["toolConfig"]["tools"]} == {
        "execute_sql_query",
        "get_table_schema",
    }
    second = scripted_server.requests[1][1]["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    result = second[2]["content"][0]["toolResult"]
    assert result["toolUseId"] == "tu-1"
    assert result["status"] == "success"
    assert json.loads(result["content"][0]["text"])["rows"] == [["Billing East", 4], ["Tech Support", 2]]
