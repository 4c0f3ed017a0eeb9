"""The bedrock-agent answerer against a fake InvokeAgent client.

The fake yields the events boto3 yields from the ``completion`` event stream. Every event is checked
against botocore's own service model for ``bedrock-agent-runtime`` first, so the fake cannot drift from
the documented shapes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import EventStreamError

from lambdas.shared.answering.bedrock_agent import BedrockAgentAnswerer, parse_action_output, read_completion
from lambdas.shared.answering.model import AnsweringError

_MODEL = botocore.session.get_session().get_service_model("bedrock-agent-runtime")
_STREAM = _MODEL.operation_model("InvokeAgent").output_shape.members["completion"]


def _conforms(value: Any, shape: Any, path: str = "event") -> None:
    if shape.type_name == "structure":
        assert isinstance(value, Mapping), path
        for key, inner in value.items():
            assert key in shape.members, f"{path}.{key} is not in the {shape.name} shape"
            _conforms(inner, shape.members[key], f"{path}.{key}")
    elif shape.type_name == "list":
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            _conforms(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "blob":
        assert isinstance(value, bytes), path
    elif shape.type_name == "string":
        assert isinstance(value, str), path
    elif shape.type_name == "timestamp":
        assert isinstance(value, dt.datetime), path


def _trace(orchestration: dict[str, Any]) -> dict[str, Any]:
    return {
        "trace": {
            "agentId": "AGENT12345",
            "agentAliasId": "ALIAS12345",
            "agentVersion": "1",
            "sessionId": "s-1",
            "eventTime": dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC),
            "trace": {"orchestrationTrace": orchestration},
        }
    }


def _sql_call(trace_id: str, sql: str) -> dict[str, Any]:
    return _trace(
        {
            "invocationInput": {
                "traceId": trace_id,
                "invocationType": "ACTION_GROUP",
                "actionGroupInvocationInput": {
                    "actionGroupName": "AthenaQueryExecutor",
                    "function": "execute_sql_query",
                    "executionType": "LAMBDA",
                    "invocationId": f"inv-{trace_id}",
                    "parameters": [{"name": "sql_query", "type": "string", "value": sql}],
                },
            }
        }
    )


def _sql_result(trace_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _trace(
        {
            "observation": {
                "traceId": trace_id,
                "type": "ACTION_GROUP",
                "actionGroupInvocationOutput": {"text": json.dumps(body)},
            }
        }
    )


def _rationale(trace_id: str, text: str) -> dict[str, Any]:
    return _trace({"rationale": {"traceId": trace_id, "text": text}})


def _chunk(text: str) -> dict[str, Any]:
    return {"chunk": {"bytes": text.encode()}}


class FakeAgentRuntime:
    """Stands in for ``boto3.client("bedrock-agent-runtime")``: records calls, replays scripted streams."""

    def __init__(self, *streams: list[dict[str, Any]]) -> None:
        for stream in streams:
            for event in stream:
                _conforms(event, _STREAM)
        self.streams = list(streams)
        self.calls: list[dict[str, Any]] = []

    def invoke_agent(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        events: Iterator[dict[str, Any]] = iter(self.streams.pop(0))
        return {"completion": events, "contentType": "application/json", "sessionId": kwargs["sessionId"]}


SQL = "SELECT direction, COUNT(*) AS cnt FROM post_call_analytics.calls GROUP BY direction"


def test_the_answer_text_sql_and_rows_come_from_chunks_and_the_action_group_trace() -> None:
    runtime = FakeAgentRuntime(
        [
            _rationale("t-1", "I will count calls by direction."),
            _sql_call("t-1", SQL),
            _sql_result(
                "t-1",
                {
                    "columns": ["direction", "cnt"],
                    "rows": [["INBOUND", 700], ["OUTBOUND", 300]],
                    "sql": SQL + " LIMIT 1000",
                },
            ),
            _chunk("There were 700 inbound "),
            _chunk("and 300 outbound calls."),
        ]
    )
    answerer = BedrockAgentAnswerer(runtime, "AGENT12345", "ALIAS12345")

    answer = answerer.answer("How many calls by direction?", session_id="s-1")

    assert not answer.refused
    assert answer.answerer == "bedrock-agent"
    assert answer.text == "There were 700 inbound and 300 outbound calls."
    assert answer.sql == SQL + " LIMIT 1000"
    assert answer.columns == ("direction", "cnt")
    assert answer.rows == (("INBOUND", 700), ("OUTBOUND", 300))
    assert runtime.calls == [
        {
            "agentId": "AGENT12345",
            "agentAliasId": "ALIAS12345",
            "sessionId": "s-1",
            "inputText": "How many calls by direction?",
            "enableTrace": True,
        }
    ]


def test_follow_ups_reuse_the_session_id_and_a_new_conversation_gets_a_fresh_one() -> None:
    stream = [
        _sql_call("t", SQL),
        _sql_result("t", {"rows": [{"direction": "INBOUND", "cnt": 1}]}),
        _chunk("ok"),
    ]
    runtime = FakeAgentRuntime(stream, stream, stream)
    answerer = BedrockAgentAnswerer(runtime, "A", "B")

    first = answerer.answer("How many calls by direction?")
    follow_up = answerer.answer("And last month?", session_id=first.session_id)
    other = answerer.answer("How many calls by direction?")

    assert first.session_id
    assert follow_up.session_id == first.session_id
    assert runtime.calls[1]["sessionId"] == first.session_id
    assert other.session_id != first.session_id
    assert first.columns == ("direction", "cnt")
    assert first.rows == (("INBOUND", 1),)


def test_the_last_successful_query_is_reported_when_the_agent_retried_after_an_error() -> None:
    runtime = FakeAgentRuntime(
        [
            _sql_call("t-1", "SELECT nope FROM post_call_analytics.calls"),
            _sql_result("t-1", {"error": "COLUMN_NOT_FOUND: nope"}),
            _sql_call("t-2", "SELECT COUNT(*) AS total_calls FROM post_call_analytics.calls"),
            _sql_result("t-2", {"columns": ["total_calls"], "rows": [[1000]]}),
            _chunk("There are 1,000 calls."),
        ]
    )

    answer = BedrockAgentAnswerer(runtime, "A", "B").answer("How many total calls are in the database?")

    assert answer.sql == "SELECT COUNT(*) AS total_calls FROM post_call_analytics.calls"
    assert answer.rows == ((1000,),)


def test_a_reply_that_ran_no_query_is_a_refusal_not_an_answer() -> None:
    runtime = FakeAgentRuntime(
        [_rationale("t-1", "Out of scope."), _chunk("I can only answer questions about calls.")]
    )

    answer = BedrockAgentAnswerer(runtime, "A", "B").answer("What is the capital of France?")

    assert answer.refused
    assert answer.text == "I can only answer questions about calls."
    assert answer.sql is None


def test_an_error_event_in_the_stream_raises_with_the_service_message() -> None:
    runtime = FakeAgentRuntime([{"throttlingException": {"message": "Rate exceeded"}}])

    with pytest.raises(AnsweringError, match=r"\(throttlingException\): Rate exceeded"):
        BedrockAgentAnswerer(runtime, "A", "B").answer("How many calls?")


class _FailingStream:
    """What botocore's EventStream does with an exception event: raise while iterating."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield _chunk("partial ")
        error = {"Error": {"Code": "dependencyFailedException", "Message": "Lambda timed out"}}
        raise EventStreamError(error, "InvokeAgent")


def test_a_stream_that_fails_midway_raises_an_answering_error() -> None:
    class Runtime:
        def invoke_agent(self, **kwargs: Any) -> dict[str, Any]:
            return {"completion": _FailingStream(), "sessionId": kwargs["sessionId"]}

    with pytest.raises(AnsweringError, match="Lambda timed out"):
        BedrockAgentAnswerer(Runtime(), "A", "B").answer("How many calls?")


def test_the_final_response_observation_is_used_when_no_chunks_arrive() -> None:
    events = [
        _sql_call("t-1", SQL),
        _sql_result("t-1", {"columns": ["direction", "cnt"], "rows": [["INBOUND", 2]]}),
        _trace(
            {
                "observation": {
                    "traceId": "t-2",
                    "type": "FINISH",
                    "finalResponse": {"text": "2 inbound calls."},
                }
            }
        ),
    ]
    _conforms(events[2], _STREAM)

    result = read_completion(iter(events), "s-9")

    assert result.text == "2 inbound calls."
    assert [c.sql for c in result.calls] == [SQL]


def test_action_output_that_is_not_json_keeps_no_rows() -> None:
    parsed = parse_action_output("Query returned 3 rows")
    assert parsed.rows == ()
    assert parsed.error is None
