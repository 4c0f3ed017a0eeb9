"""The Athena executor's role reads only what the marts need, and less with the scale switch on."""

from __future__ import annotations

from typing import Any

from . import hcl


def _statement(sid: str) -> dict[str, Any]:
    for statement in hcl.child("bedrock_agent").policy_statements()["executor"]:
        if statement.get("sid") == sid:
            return statement
    raise AssertionError(f"the executor policy has no statement {sid}")


def test_the_executor_reads_only_the_marts_chain_never_the_whole_bucket_or_the_quarantine() -> None:
    module = hcl.child("bedrock_agent")
    read = _statement("ReadMartData")
    assert read["actions"] == ["s3:GetObject"]
    assert (
        read["resources"]
        == '${[for p in local.executor_data_prefixes : "${var.analytics_bucket_arn}/${p}/*"]}'
    )
    listing = _statement("ListMartData")
    assert hcl.first(listing["condition"])["variable"] == "s3:prefix"
    statements = module.policy_statements()["executor"]
    whole_bucket = [
        s.get("sid") for s in statements if "${var.analytics_bucket_arn}/*" in str(s.get("resources"))
    ]
    assert whole_bucket == []
    assert (
        "quarantine" not in module.text.split("executor_data_prefixes", 1)[1].split("glue_catalog_arn", 1)[0]
    )


def test_the_scale_switch_narrows_dbt_data_to_the_current_state_tables() -> None:
    module = hcl.child("bedrock_agent")
    text = module.text
    databases = text.split("executor_databases = [", 1)[1].split("]", 1)[0]
    # the fresh marts overlay the change log since the last merge: staging views and the raw tables stay readable
    assert "var.raw_database_name" in databases
    assert "local.staging_database" in databases
    narrowed = text.split("executor_data_prefixes = var.marts_read_current_state_only ? concat(", 1)[1]
    narrowed, view_mode = narrowed.split(") : concat(", 1)
    assert "raw_table_prefixes" in narrowed
    assert "${var.dbt_data_prefix}/${local.intermediate_database}" in narrowed
    assert '"${var.dbt_data_prefix}"' not in narrowed and "[var.dbt_data_prefix]" not in narrowed
    assert "[var.dbt_data_prefix]" in view_mode.split("\n", 1)[0]
    root = hcl.load(hcl.ROOT)
    agent = root.modules["bedrock_agent"]
    assert agent["marts_read_current_state_only"] == "${var.dbt_materialize_current_state}"
    assert agent["raw_table_prefixes"] == "${keys(module.data_pipeline.raw_table_names)}"
    assert root.variables["dbt_materialize_current_state"]["default"] is True
