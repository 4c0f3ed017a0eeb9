"""Test doubles for the chat API: a fake Bedrock agent runtime and API Gateway events."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from lambdas.shared.answering.verified import ExecutedQuery


def _trace(orchestration: dict[str, Any], session_id: str) -> dict[str, Any]:
    return {
        "trace": {
            "agentId": "AGENT12345",
            "agentAliasId": "ALIAS12345",
            "agentVersion": "1",
            "sessionId": session_id,
            "eventTime": dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC),
            "trace": {"orchestrationTrace": orchestration},
        }
    }


class FakeAgentRuntime:
    """Stands in for ``boto3.client("bedrock-agent-runtime")``.

    Every question is answered by running ``sql`` through ``run`` (the guarded runner on the real warehouse),
    reported in the event stream the way the deployed agent's trace reports its action-group call. ``delay``
    makes it slow; ``fail`` makes it raise as boto3 does on a service error. Calls are recorded.
    """

    def __init__(
        self,
        run: Callable[[str], ExecutedQuery],
        sql: str = "select count(*) as call_count from post_call_analytics.calls where direction = 'INBOUND'",
        *,
        delay: float = 0.0,
        fail: str | None = None,
    ) -> None:
        self.run = run
        self.sql = sql
        self.delay = delay
        self.fail = fail
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def invoke_agent(self, **kwargs: Any) -> dict[str, Any]:
        with self._lock:
            self.calls.append(kwargs)
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            raise RuntimeError(self.fail)
        executed = self.run(self.sql)
        session = kwargs["sessionId"]
        body = {
            "columns": list(executed.columns),
            "rows": [list(r) for r in executed.rows],
            "sql": executed.sql,
        }
        events = [
            _trace(
                {
                    "invocationInput": {
                        "traceId": "t-1",
                        "invocationType": "ACTION_GROUP",
                        "actionGroupInvocationInput": {
                            "actionGroupName": "AthenaQueryExecutor",
                            "function": "execute_sql_query",
                            "executionType": "LAMBDA",
                            "invocationId": "inv-1",
                            "parameters": [{"name": "sql_query", "type": "string", "value": self.sql}],
                        },
                    }
                },
                session,
            ),
            _trace(
                {
                    "observation": {
                        "traceId": "t-1",
                        "type": "ACTION_GROUP",
                        "actionGroupInvocationOutput": {"text": json.dumps(body, default=str)},
                    }
                },
                session,
            ),
            {"chunk": {"bytes": f"There were {executed.rows[0][0]} inbound calls.".encode()}},
        ]
        iterator: Iterator[dict[str, Any]] = iter(events)
        return {"completion": iterator, "contentType": "application/json", "sessionId": session}


class FakeLambdaClient:
    """Records ``invoke`` calls (the async self-invocation that finishes a chat job)."""

    def __init__(self) -> None:
        self.invocations: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.invocations.append(kwargs)
        return {"StatusCode": 202}


class LambdaContext:
    function_name = "post-call-analytics-api-handler"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:post-call-analytics-api-handler"
    aws_request_id = "req-1"
