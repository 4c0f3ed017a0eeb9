"""The agent-artifact generator: catalog, instruction, action group and verified queries from a manifest."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from orchestration import agent_artifacts as aa


def _column(name: str, data_type: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "data_type": data_type,
        "description": description,
        "meta": {},
        "config": {"meta": {}},
    }


def _test(unique_id: str, name: str, model: str, column: str | None, **kwargs: Any) -> dict[str, Any]:
    return {
        "unique_id": unique_id,
        "resource_type": "test",
        "test_metadata": {"name": name, "kwargs": kwargs},
        "attached_node": f"model.pca.{model}",
        "column_name": column,
        "depends_on": {"nodes": [f"model.pca.{model}"]},
    }


def _analysis(name: str, sql: str, columns: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    verified = {
        "question": f"Question for {name}?",
        "paraphrases": [f"{name} one", f"{name} two"],
        "parameters": [
            {"name": "period", "type": "date_range", "default": "all_time", "description": "Period."}
        ],
        "verified_by": "analytics-engineering",
        "verified_at": "2026-11-26",
        "use_as_onboarding_question": False,
    }
    verified.update(meta)
    return {
        "unique_id": f"analysis.pca.{name}",
        "resource_type": "analysis",
        "name": name,
        "original_file_path": f"analyses/{name}.sql",
        "raw_code": sql,
        "description": f"What {name} shows.",
        "config": {"meta": {"verified_query": verified}},
        "columns": {c["name"]: c for c in columns},
    }


COUNT_SQL = (
    "select count(*) as total_calls from {{ ref('calls') }} as c "
    "where c.call_date >= :period_start and c.call_date < :period_end"
)


def _manifest(query_count: int = 25) -> dict[str, Any]:
    calls = {
        "unique_id": "model.pca.calls",
        "resource_type": "model",
        "name": "calls",
        "alias": "calls",
        "schema": "post_call_analytics",
        "original_file_path": "models/marts/calls.sql",
        "description": "One row per call. Durations in seconds.",
        "columns": {
            c["name"]: c
            for c in [
                _column("call_id", "varchar", "Call id."),
                _column("direction", "varchar", "`INBOUND` or `OUTBOUND`."),
                _column("agent_id", "varchar", "Agent login (e.g. `agent-0007`)."),
                _column("team", "varchar", "Team (e.g. `Billing East`, `Tech Tier 1`)."),
                _column("call_date", "date", "Day of the call."),
                _column("duration_seconds", "double", "Duration."),
                _column("sentiment_customer", "double", "Customer sentiment."),
            ]
        },
    }
    agents = {
        "unique_id": "model.pca.agents",
        "resource_type": "model",
        "name": "agents",
        "alias": "agents",
        "schema": "post_call_analytics",
        "original_file_path": "models/marts/agents.sql",
        "description": "One row per agent.",
        "columns": {"agent_id": _column("agent_id", "varchar", "Agent login.")},
    }
    staging = dict(
        calls,
        unique_id="model.pca.stg_calls",
        name="stg_calls",
        alias="stg_calls",
        original_file_path="models/staging/stg_calls.sql",
        schema="post_call_analytics_staging",
    )
    nodes: dict[str, Any] = {n["unique_id"]: n for n in (calls, agents, staging)}
    for test in (
        _test("test.unique_call_id", "unique", "calls", "call_id"),
        _test("test.not_null_call_id", "not_null", "calls", "call_id"),
        _test(
            "test.accepted_direction", "accepted_values", "calls", "direction", values=["INBOUND", "OUTBOUND"]
        ),
        _test("test.rel_agent", "relationships", "calls", "agent_id", to="ref('agents')", field="agent_id"),
        _test("test.range", "value_between", "calls", "sentiment_customer", min_value=-5, max_value=5),
    ):
        nodes[test["unique_id"]] = test
    columns = [_column("total_calls", "bigint", "Number of calls.")]
    for i in range(query_count):
        analysis = _analysis(f"count_{i:02d}", COUNT_SQL, columns)
        nodes[analysis["unique_id"]] = analysis
    return {"nodes": nodes}


def _files(manifest: dict[str, Any]) -> dict[Path, str]:
    return aa.render_artifacts(manifest)


def test_catalog_holds_marts_only_with_tests_turned_into_facts() -> None:
    catalog = aa.build_catalog(_manifest())
    assert [t["name"] for t in catalog["tables"]] == ["agents", "calls"]
    calls = catalog["tables"][1]
    assert calls["relation"] == "post_call_analytics.calls"
    assert calls["primary_key"] == ["call_id"]
    columns = {c["name"]: c for c in calls["columns"]}
    assert columns["direction"]["accepted_values"] == ["INBOUND", "OUTBOUND"]
    assert columns["agent_id"]["references"] == "agents.agent_id"
    assert columns["agent_id"]["examples"] == ["agent-0007"]
    assert columns["team"]["examples"] == ["Billing East", "Tech Tier 1"]
    assert columns["sentiment_customer"]["range"] == [-5, 5]
    assert columns["sentiment_customer"]["unit"] == "sentiment score (-5..+5)"
    assert columns["duration_seconds"]["unit"] == "seconds"


def test_generation_is_deterministic() -> None:
    assert _files(_manifest()) == _files(copy.deepcopy(_manifest()))


def test_instruction_lists_every_mart_within_the_bedrock_limit() -> None:
    text = _files(_manifest())[aa.INSTRUCTION_FILE]
    assert aa.INSTRUCTION_MIN_CHARS <= len(text) <= aa.INSTRUCTION_MAX_CHARS
    assert "- agents: One row per agent." in text
    assert "- calls: One row per call." in text
    assert "execute_sql_query" in text
    assert "get_table_schema" in text


def test_instruction_shortens_mart_summaries_to_fit() -> None:
    manifest = _manifest()
    for i in range(12):
        extra = copy.deepcopy(manifest["nodes"]["model.pca.agents"])
        extra.update(
            unique_id=f"model.pca.mart_{i}",
            name=f"mart_{i}",
            alias=f"mart_{i}",
            description="A very long description " * 40 + ".",
        )
        manifest["nodes"][extra["unique_id"]] = extra
    text = aa.build_instruction(aa.build_catalog(manifest))
    assert len(text) <= aa.INSTRUCTION_MAX_CHARS
    assert text.count("- mart_") == 12


def test_verified_queries_are_compiled_for_both_targets() -> None:
    files = _files(_manifest())
    athena = json.loads(files[aa.ARTIFACTS_DIR / "verified_queries.athena.json"])
    local = json.loads(files[aa.ARTIFACTS_DIR / "verified_queries.local.json"])
    first = athena["queries"][0]
    assert first["sql"].splitlines()[0] == "SELECT"
    assert "post_call_analytics.calls" in first["sql"]
    assert ":period_start" in first["sql"]
    assert "$period_start" in local["queries"][0]["sql"]
    assert first["parameters"][0]["placeholders"] == ["period_start", "period_end"]
    assert first["tables"] == ["post_call_analytics.calls"]
    assert first["columns"] == [
        {"name": "total_calls", "data_type": "bigint", "description": "Number of calls."}
    ]


def _broken(**changes: Any) -> dict[str, Any]:
    manifest = _manifest()
    node = manifest["nodes"]["analysis.pca.count_00"]
    for key, value in changes.items():
        if key in ("raw_code", "columns"):
            node[key] = value
        else:
            node["config"]["meta"]["verified_query"][key] = value
    return manifest


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"paraphrases": ["only one"]}, "paraphrases"),
        ({"verified_at": "last tuesday"}, "ISO date"),
        ({"use_as_onboarding_question": "yes"}, "true or false"),
        (
            {"parameters": [{"name": "period", "type": "fortnight", "default": None, "description": "x"}]},
            "type",
        ),
        ({"parameters": [{"name": "period", "type": "date_range", "description": "x"}]}, "default"),
        ({"parameters": []}, "placeholders"),
        ({"raw_code": COUNT_SQL.replace("{{ ref('calls') }}", "post_call_analytics_raw.calls")}, "guard"),
        ({"raw_code": COUNT_SQL.replace("ref('calls')", "ref('stg_calls')")}, "not a mart"),
        ({"raw_code": COUNT_SQL.replace("{{ ref('calls') }}", "{{ var('x') }}")}, "only use"),
        ({"raw_code": COUNT_SQL.replace("total_calls", "n")}, "promises"),
        ({"columns": {}}, "returned columns"),
        ({"columns": {"total_calls": _column("total_calls", "string", "Hive type.")}}, "portable"),
    ],
)
def test_invalid_verified_queries_fail_generation_with_a_reason(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(aa.ArtifactError, match=message):
        _files(_broken(**changes))


def test_fewer_than_25_verified_queries_breaks_the_limit() -> None:
    with pytest.raises(aa.ArtifactError, match="at least 25"):
        _files(_manifest(query_count=24))


def test_limits_catch_an_oversized_function_description() -> None:
    files = _files(_manifest())
    action_group = json.loads(files[aa.ARTIFACTS_DIR / "action_group.json"])
    action_group["functionSchema"]["functions"][0]["description"] = "x" * 1201
    files[aa.ARTIFACTS_DIR / "action_group.json"] = json.dumps(action_group)
    with pytest.raises(aa.ArtifactError, match="max 1200"):
        aa.check_limits(files)


def test_check_mode_reports_a_changed_artifact(tmp_path: Path) -> None:
    files = {tmp_path / "a.txt": "fresh\n", tmp_path / "b.txt": "same\n", tmp_path / "c.txt": "new\n"}
    (tmp_path / "a.txt").write_text("hand edited\n")
    (tmp_path / "b.txt").write_text("same\n")
    stale = aa.stale_artifacts(files)
    assert set(stale) == {tmp_path / "a.txt", tmp_path / "c.txt"}
    assert "-hand edited" in stale[tmp_path / "a.txt"]
    assert "+fresh" in stale[tmp_path / "a.txt"]
    assert stale[tmp_path / "c.txt"] == "missing"
    assert aa.write_artifacts(files) == [tmp_path / "a.txt", tmp_path / "c.txt"]
    assert aa.stale_artifacts(files) == {}


def test_committed_action_group_respects_bedrock_limits() -> None:
    action_group = json.loads((aa.ARTIFACTS_DIR / "action_group.json").read_text())
    assert action_group["actionGroupName"] == "AthenaQueryExecutor"
    functions = {f["name"]: f for f in action_group["functionSchema"]["functions"]}
    assert set(functions) == {"execute_sql_query", "get_table_schema", "query_metrics"}
    assert list(functions["execute_sql_query"]["parameters"]) == ["sql_query"]
    for function in functions.values():
        assert len(function["description"]) <= 1200
        assert len(function["parameters"]) <= aa.MAX_PARAMETERS_PER_FUNCTION
        assert all(len(p["description"]) <= 500 for p in function["parameters"].values())
    instruction = aa.INSTRUCTION_FILE.read_text()
    assert 40 <= len(instruction) <= 4000


def test_committed_instruction_lists_every_metric_of_the_semantic_manifest() -> None:
    semantic = json.loads((aa.ARTIFACTS_DIR / "semantic_manifest.json").read_text())
    instruction = aa.INSTRUCTION_FILE.read_text()
    # every metric an analyst or the agent may ask for; a metric that is only another's input is left out
    names = [m["name"] for m in semantic["metrics"] if not m["config"]["meta"].get("input_only")]
    inputs = [m["name"] for m in semantic["metrics"] if m["config"]["meta"].get("input_only")]
    assert len(names) >= 20 and inputs
    listed = aa.expand_names(instruction)  # names sharing a prefix are written once: average_{csat,…}
    assert all(name in listed for name in names), sorted(set(names) - listed)
    assert not set(inputs) & listed
    relations = {m["node_relation"]["relation_name"] for m in semantic["semantic_models"]}
    assert relations == {
        f"post_call_analytics.{m['node_relation']['alias']}" for m in semantic["semantic_models"]
    }


def test_semantic_manifest_becomes_an_artifact_with_relations_qualified_for_any_catalog() -> None:
    manifest = _manifest()
    manifest["semantic_manifest"] = json.loads((aa.ARTIFACTS_DIR / "semantic_manifest.json").read_text())
    for model in manifest["semantic_manifest"]["semantic_models"]:
        model["node_relation"]["relation_name"] = f'"awsdatacatalog"."post_call_analytics"."{model["name"]}"'
        model["node_relation"]["database"] = "awsdatacatalog"
    files = _files(manifest)
    semantic = json.loads(files[aa.ARTIFACTS_DIR / "semantic_manifest.json"])
    assert {m["node_relation"]["relation_name"] for m in semantic["semantic_models"]} == {
        f"post_call_analytics.{m['name']}" for m in semantic["semantic_models"]
    }
    functions = json.loads(files[aa.ARTIFACTS_DIR / "action_group.json"])["functionSchema"]["functions"]
    assert [f["name"] for f in functions] == ["execute_sql_query", "get_table_schema", "query_metrics"]
    assert "average_qa_score" in aa.expand_names(files[aa.INSTRUCTION_FILE])
