"""The production target checked offline: `dbt parse --target athena`, every model compiled for Athena (views
without a connection; the incremental scale switch against moto's Glue), and the compiled SQL parsed by
sqlglot's Athena dialect with zero errors."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from orchestration import dbt_runner

pytestmark = pytest.mark.slow


def compiled_models(target: Path) -> dict[str, str]:
    manifest = json.loads((target / "manifest.json").read_text())
    return {
        node["name"]: node["compiled_code"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node.get("compiled_code")
    }


def assert_athena_sql(models: dict[str, str]) -> None:
    for name, sql in models.items():
        statements = sqlglot.parse(sql, read="athena", error_level=ErrorLevel.RAISE)
        assert len(statements) == 1, name
        assert statements[0].key in ("select", "union"), name


def test_parse_on_the_athena_target_needs_no_connection(tmp_path: Path) -> None:
    result = dbt_runner.parse("athena", target_path=tmp_path)
    assert result.success
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    calls = manifest["nodes"]["model.post_call_analytics.calls"]
    assert calls["relation_name"] == '"awsdatacatalog"."post_call_analytics"."calls"'
    assert calls["contract"]["enforced"] is True
    source = manifest["sources"]["source.post_call_analytics.post_call_analytics_raw.calls"]
    assert source["relation_name"] == '"awsdatacatalog"."post_call_analytics_raw"."calls"'
    staging = manifest["nodes"]["model.post_call_analytics.stg_dynamodb__calls"]
    assert staging["schema"] == "post_call_analytics_staging"


def test_every_model_compiles_for_athena_offline_and_parses_as_athena_sql(tmp_path: Path) -> None:
    result = dbt_runner.invoke(
        ["compile", "--no-populate-cache", "--no-introspect", "--select", "resource_type:model"],
        target="athena",
        target_path=tmp_path,
        quiet=True,
    )
    assert result.success
    models = compiled_models(tmp_path)
    assert len(models) == 18  # 17 models and the semantic layer's time spine
    assert_athena_sql(models)
    assert "json_extract_scalar" in models["stg_dynamodb__calls"]
    assert "from_iso8601_timestamp" in models["stg_dynamodb__calls"]
    assert "read_parquet" not in models["stg_dynamodb__calls"]


@pytest.mark.usefixtures("aws_env")
def test_scale_switch_compiles_the_incremental_merge_branch_for_athena(tmp_path: Path) -> None:
    # With the tables present in (moto's) Glue, dbt compiles the branch that merges new changes only.
    glue = boto3.client("glue")
    glue.create_database(DatabaseInput={"Name": "post_call_analytics_intermediate"})
    for table in ("int_calls_deduplicated", "int_scorecards_deduplicated"):
        glue.create_table(
            DatabaseName="post_call_analytics_intermediate",
            TableInput={
                "Name": table,
                "TableType": "EXTERNAL_TABLE",
                "Parameters": {"table_type": "ICEBERG"},
                "StorageDescriptor": {"Columns": [], "Location": f"s3://analytics/dbt/{table}/"},
            },
        )
    result = dbt_runner.invoke(
        ["compile", "--select", "resource_type:model"],
        target="athena",
        target_path=tmp_path,
        dbt_vars={"materialize_current_state": True},
        quiet=True,
    )
    assert result.success
    models = compiled_models(tmp_path)
    assert_athena_sql(models)
    merge_branch = models["int_calls_deduplicated"]
    assert "date_add('minute', -60, max(ingested_at))" in merge_branch
    assert 'from "awsdatacatalog"."post_call_analytics_intermediate"."int_calls_deduplicated"' in merge_branch

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    config = manifest["nodes"]["model.post_call_analytics.int_calls_deduplicated"]["config"]
    assert config["materialized"] == "incremental"
    assert config["table_type"] == "iceberg"
    assert config["incremental_strategy"] == "merge"
    assert config["unique_key"] == "call_id"
    assert config["partitioned_by"] == ["day(started_at)"]
    lookback = "target.started_at >= date_add('day', -31, current_timestamp)"
    assert config["incremental_predicates"] == [lookback]
    hooks = [hook["sql"] for hook in config["post-hook"]]
    assert hooks == [
        "optimize {{ this.render_pure() }} rewrite data using bin_pack",
        "vacuum {{ this.render_pure() }}",
    ]
