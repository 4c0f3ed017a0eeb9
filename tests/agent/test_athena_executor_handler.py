"""The athena_executor Lambda: Bedrock function-details events in, function responses out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.athena.models import QueryResults, athena_backends

from lambdas.athena_executor import handler
from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings
from lambdas.shared.query_engines import AthenaEngine, DuckDbEngine

RUNBOOK_TEST_3 = {
    "actionGroup": "AthenaQueryExecutor",
    "function": "execute_sql_query",
    "parameters": [
        {"name": "sql_query", "value": "SELECT COUNT(*) as total_calls FROM post_call_analytics.calls"}
    ],
}


class _Context:
    function_name = "post-call-analytics-athena-executor"
    memory_limit_in_mb = 512
    invoked_function_arn = (
        "arn:aws:lambda:us-east-1:123456789012:function:post-call-analytics-athena-executor"
    )
    aws_request_id = "req-1"


def _agent_event(function: str, **parameters: str) -> dict[str, Any]:
    return {
        "messageVersion": "1.0",
        "agent": {"name": "pca", "id": "AGENT1", "alias": "TSTALIASID", "version": "DRAFT"},
        "inputText": "How many calls were inbound?",
        "sessionId": "session-42",
        "actionGroup": "AthenaQueryExecutor",
        "function": function,
        "parameters": [{"name": k, "type": "string", "value": v} for k, v in parameters.items()],
        "sessionAttributes": {"user": "analyst"},
        "promptSessionAttributes": {},
    }


def _body(response: dict[str, Any]) -> dict[str, Any]:
    text = response["response"]["functionResponse"]["responseBody"]["TEXT"]["body"]
    assert isinstance(text, str)
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.fixture
def duckdb_executor(tiny_warehouse: Any) -> Iterator[AthenaExecutor]:
    settings = ExecutorSettings(engine="duckdb", data_dir=tiny_warehouse.root)
    executor = AthenaExecutor(
        DuckDbEngine(tiny_warehouse.warehouse, tiny_warehouse.lake), tiny_warehouse.catalog, settings
    )
    handler.set_executor(executor)
    yield executor
    handler.set_executor(None)


@pytest.fixture
def athena_executor(tiny_warehouse: Any) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("athena", region_name="us-east-1")
        client.create_work_group(
            Name="post-call-analytics",
            Configuration={
                "ResultConfiguration": {"OutputLocation": "s3://results/athena/"},
                "EnforceWorkGroupConfiguration": True,
                "BytesScannedCutoffPerQuery": 1024**3,
            },
        )
        executor = AthenaExecutor(
            AthenaEngine(client, sleep=lambda _: None), tiny_warehouse.catalog, ExecutorSettings()
        )
        handler.set_executor(executor)
        yield client
        handler.set_executor(None)


def _seed_athena(columns: list[tuple[str, str]], rows: list[list[str]]) -> None:
    info = [{"Name": n, "Label": n, "Type": t, "CatalogName": "hive"} for n, t in columns]
    data = [{"Data": [{"VarCharValue": n} for n, _ in columns]}]
    data += [{"Data": [{"VarCharValue": v} for v in row]} for row in rows]
    athena_backends["123456789012"]["us-east-1"].query_results_queue.append(QueryResults(data, info))


def test_runbook_test_3_payload_works_as_written_against_athena(athena_executor: Any) -> None:
    _seed_athena([("total_calls", "bigint")], [["300"]])
    response = handler.lambda_handler(dict(RUNBOOK_TEST_3), _Context())
    assert response["messageVersion"] == "1.0"
    assert response["response"]["actionGroup"] == "AthenaQueryExecutor"
    assert response["response"]["function"] == "execute_sql_query"
    assert "responseState" not in response["response"]["functionResponse"]
    body = _body(response)
    assert body["columns"] == ["total_calls"]
    assert body["rows"] == [[300]]
    assert body["truncated"] is False
    assert body["bytes_scanned"] == 0
    executions = athena_executor.list_query_executions(WorkGroup="post-call-analytics")["QueryExecutionIds"]
    assert len(executions) == 1


def test_athena_is_never_called_for_a_refused_query(athena_executor: Any) -> None:
    response = handler.lambda_handler(
        _agent_event("execute_sql_query", sql_query="DROP TABLE post_call_analytics.calls"), _Context()
    )
    assert response["response"]["functionResponse"]["responseState"] == "REPROMPT"
    assert _body(response)["error"]["type"] == "rejected"
    assert athena_executor.list_query_executions(WorkGroup="post-call-analytics")["QueryExecutionIds"] == []


def test_runbook_test_3_payload_answers_from_duckdb(duckdb_executor: AthenaExecutor) -> None:
    body = _body(handler.lambda_handler(dict(RUNBOOK_TEST_3), _Context()))
    assert body["rows"] == [[300]]
    assert body["sql"] == "SELECT COUNT(*) AS total_calls FROM post_call_analytics.calls LIMIT 1000"


def test_direction_breakdown_end_to_end_on_duckdb(duckdb_executor: AthenaExecutor) -> None:
    sql = "SELECT direction, COUNT(*) as cnt FROM post_call_analytics.calls GROUP BY direction ORDER BY 1"
    response = handler.lambda_handler(_agent_event("execute_sql_query", sql_query=sql), _Context())
    assert response["sessionAttributes"] == {"user": "analyst"}
    body = _body(response)
    assert body["columns"] == ["direction", "cnt"]
    assert body["rows"] == [["INBOUND", 200], ["OUTBOUND", 100]]


def test_refused_sql_goes_back_with_reprompt_and_a_usable_message(duckdb_executor: AthenaExecutor) -> None:
    response = handler.lambda_handler(
        _agent_event("execute_sql_query", sql_query="select * from post_call_analytics_raw.calls"), _Context()
    )
    assert response["response"]["functionResponse"]["responseState"] == "REPROMPT"
    error = _body(response)["error"]
    assert error["reason"] == "database"
    assert "post_call_analytics" in error["message"]


def test_sql_error_goes_back_with_reprompt_and_the_engine_reason(duckdb_executor: AthenaExecutor) -> None:
    response = handler.lambda_handler(
        _agent_event("execute_sql_query", sql_query="select symbol from post_call_analytics.calls"),
        _Context(),
    )
    assert response["response"]["functionResponse"]["responseState"] == "REPROMPT"
    body = _body(response)
    assert body["error"]["type"] == "failed"
    assert "symbol" in body["error"]["message"]
    assert "get_table_schema" in body["error"]["message"]


def test_large_results_stay_under_the_response_cap(duckdb_executor: AthenaExecutor) -> None:
    sql = "select call_id, summary_text from calls order by call_id limit 1000"
    response = handler.lambda_handler(_agent_event("execute_sql_query", sql_query=sql), _Context())
    raw = response["response"]["functionResponse"]["responseBody"]["TEXT"]["body"]
    assert len(raw.encode("utf-8")) <= 22_000
    body = json.loads(raw)
    assert body["truncated"] is True
    assert 0 < body["row_count"] == len(body["rows"]) < 100
    assert body["rows"][0][0] == "call-0001"
    assert len(body["rows"][0][1]) <= 501


def test_row_cap_sets_truncated(duckdb_executor: AthenaExecutor) -> None:
    body = _body(
        handler.lambda_handler(
            _agent_event("execute_sql_query", sql_query="select call_id from calls"), _Context()
        )
    )
    assert body["row_count"] == 100
    assert body["truncated"] is True


def test_get_table_schema_returns_the_catalog_entry(duckdb_executor: AthenaExecutor) -> None:
    response = handler.lambda_handler(
        _agent_event("get_table_schema", table_name="post_call_analytics.calls"), _Context()
    )
    assert "responseState" not in response["response"]["functionResponse"]
    body = _body(response)
    assert body["name"] == "calls"
    assert [c["name"] for c in body["columns"]][:2] == ["call_id", "direction"]


def test_get_table_schema_for_an_unknown_table_lists_the_known_ones(duckdb_executor: AthenaExecutor) -> None:
    response = handler.lambda_handler(_agent_event("get_table_schema", table_name="raw_calls"), _Context())
    assert response["response"]["functionResponse"]["responseState"] == "REPROMPT"
    assert "calls" in _body(response)["error"]["message"]


def test_unknown_function_is_reprompted(duckdb_executor: AthenaExecutor) -> None:
    response = handler.lambda_handler(_agent_event("drop_everything"), _Context())
    assert response["response"]["function"] == "drop_everything"
    assert response["response"]["functionResponse"]["responseState"] == "REPROMPT"
    assert "execute_sql_query" in _body(response)["error"]["message"]


def test_metrics_are_emitted_for_queries_and_rejections(
    duckdb_executor: AthenaExecutor, capsys: pytest.CaptureFixture[str]
) -> None:
    handler.lambda_handler(dict(RUNBOOK_TEST_3), _Context())
    handler.lambda_handler(_agent_event("execute_sql_query", sql_query="delete from calls"), _Context())
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    names = {m["Name"] for blob in emitted for d in blob["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert {"Queries", "Rejections", "QueryDuration"} <= names


def test_executor_is_built_from_the_environment(
    tiny_warehouse: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PCA_QUERY_ENGINE", "duckdb")
    monkeypatch.setenv("PCA_DATA_DIR", str(tiny_warehouse.root))
    settings = ExecutorSettings.from_env()
    engine = handler.build_engine(settings)
    assert isinstance(engine, DuckDbEngine)
    assert engine.warehouse == tiny_warehouse.warehouse.resolve()
    assert engine.database == tiny_warehouse.warehouse.resolve().with_name("answers.duckdb")
    monkeypatch.setenv("PCA_QUERY_ENGINE", "oracle")
    with pytest.raises(ValueError, match="athena"):
        handler.build_engine(ExecutorSettings.from_env())


def test_query_metrics_compiles_with_the_semantic_layer_and_runs_guarded(
    duckdb_executor: AthenaExecutor,
) -> None:
    event = _agent_event("query_metrics", metrics="calls", group_by="direction", order_by="-calls")
    body = _body(handler.lambda_handler(event, _Context()))
    assert body["rows"] == [["INBOUND", 200], ["OUTBOUND", 100]]
    assert body["columns"] == ["call__direction", "calls"]
    assert "post_call_analytics.calls" in body["sql"]
    assert "--" not in body["sql"]
    assert body["metric_definitions"] == {"calls": "Number of calls."}


def test_query_metrics_filters_on_a_value(duckdb_executor: AthenaExecutor) -> None:
    event = _agent_event("query_metrics", metrics="calls", filters="direction=OUTBOUND")
    assert _body(handler.lambda_handler(event, _Context()))["rows"] == [[100]]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"metrics": "revenue"}, "Unknown metric"),
        ({"metrics": "calls", "group_by": "weather"}, "cannot be grouped by"),
        ({"metrics": "calls", "filters": "direction={{ env_var('X') }}"}, "may not contain braces"),
        ({"metrics": "calls", "period": "last month"}, "YYYY-MM-DD"),
        ({"metrics": "calls", "order_by": "-average_qa_score 5"}, "order_by"),
    ],
)
def test_query_metrics_mistakes_are_reprompted_with_what_to_fix(
    duckdb_executor: AthenaExecutor, parameters: dict[str, str], message: str
) -> None:
    response = handler.lambda_handler(_agent_event("query_metrics", **parameters), _Context())
    assert response["response"]["functionResponse"]["responseState"] == "REPROMPT"
    assert message in _body(response)["error"]["message"]
