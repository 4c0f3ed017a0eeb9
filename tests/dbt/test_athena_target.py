"""The production target checked offline: `dbt parse --target prod`, every model compiled for Athena (views
without a connection; the incremental scale switch against moto's Glue), and the compiled SQL parsed by
sqlglot's Athena dialect with zero errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from orchestration import dbt_runner

REPO = Path(__file__).resolve().parents[2]

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
    result = dbt_runner.parse("prod", target_path=tmp_path)
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
        target="prod",
        target_path=tmp_path,
        quiet=True,
    )
    assert result.success
    models = compiled_models(tmp_path)
    assert len(models) == 19  # 18 models and the semantic layer's time spine
    assert_athena_sql(models)
    assert "json_extract_scalar" in models["stg_dynamodb__calls"]
    assert "from_iso8601_timestamp" in models["stg_dynamodb__calls"]
    assert "read_parquet" not in models["stg_dynamodb__calls"]


@pytest.mark.usefixtures("aws_env")
def test_scale_switch_compiles_the_incremental_merge_branch_for_athena(tmp_path: Path) -> None:
    # With the tables present in (moto's) Glue, dbt compiles the branch that merges new changes only.
    glue = boto3.client("glue")
    # the build reads each table's watermark with a query; moto's Athena runs none and answers no rows, so the
    # merge falls back to its subquery and the fresh views to every change
    boto3.client("athena").create_work_group(
        Name="post-call-analytics",
        Configuration={
            "ResultConfiguration": {"OutputLocation": "s3://post-call-analytics-athena-results/dbt/"}
        },
    )
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
        target="prod",
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
    # the stored evaluations of changed calls are written again, only within the merge's lookback
    evaluations = models["int_scorecards_deduplicated"]
    assert re.search(
        r"or \(call_id in \(select call_id from .*stg_dynamodb__calls.*"
        r"and started_at >= date_add\('minute', -44640, current_timestamp\)\)",
        evaluations,
        re.DOTALL,
    ), evaluations

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


# ── Only the production target writes the production schemas ───────────────────────────────────────────────


def _schemas(tmp_path: Path, target: str, env: dict[str, str]) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        for name in (
            "PCA_DBT_USER",
            "USER",
            "PCA_DBT_CI_BRANCH",
            "GITHUB_HEAD_REF",
            "GITHUB_REF_NAME",
            "CI_COMMIT_REF_NAME",
        ):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        result = dbt_runner.parse(target, target_path=tmp_path)
    assert result.success
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    return {
        node["name"]: node["schema"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] in {"calls", "stg_dynamodb__calls"}
    }


@pytest.mark.parametrize(
    ("target", "env", "prefix"),
    [
        ("prod", {"USER": "alice"}, ""),
        ("dev", {"USER": "Alice.Smith"}, "dev_alice_smith_"),
        ("athena", {"PCA_DBT_USER": "bob", "USER": "alice"}, "dev_bob_"),
        ("ci", {"GITHUB_HEAD_REF": "feature/Schema-Names"}, "ci_feature_schema_names_"),
        ("ci", {"PCA_DBT_CI_BRANCH": "main", "GITHUB_REF_NAME": "other"}, "ci_main_"),
    ],
)
def test_dev_and_ci_targets_build_their_own_prefixed_schemas(
    tmp_path: Path, target: str, env: dict[str, str], prefix: str
) -> None:
    assert _schemas(tmp_path, target, env) == {
        "calls": f"{prefix}post_call_analytics",
        "stg_dynamodb__calls": f"{prefix}post_call_analytics_staging",
    }


def test_a_ci_target_without_a_branch_is_refused(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("PCA_DBT_CI_BRANCH", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
            patch.delenv(name, raising=False)
        with pytest.raises(dbt_runner.DbtRunError, match="unknown the branch"):
            dbt_runner.parse("ci", target_path=tmp_path)


def test_the_scheduled_build_and_the_runbooks_script_use_the_production_target() -> None:
    buildspec = (REPO / "orchestration" / "buildspec.yml").read_text(encoding="utf-8")
    assert "dbt build --target prod " in buildspec
    assert "--target athena" not in buildspec
    script = (REPO / "scripts" / "run-crawlers.sh").read_text(encoding="utf-8")
    assert "export PCA_DBT_TARGET=prod " in script and "build --target prod " in script
