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


def test_the_scale_switch_narrows_the_role_to_the_current_state_tables() -> None:
    module = hcl.child("bedrock_agent")
    text = module.text
    narrowed = text.split("executor_databases = var.marts_read_current_state_only ? [", 1)[1].split("]", 1)[0]
    assert "var.raw_database_name" not in narrowed
    assert "local.staging_database" not in narrowed
    data = text.split("executor_data_prefixes = var.marts_read_current_state_only ? [", 1)[1].split("]", 1)[0]
    assert "raw_table_prefixes" not in data
    assert "local.intermediate_database" in data
    root = hcl.load(hcl.ROOT)
    agent = root.modules["bedrock_agent"]
    assert agent["marts_read_current_state_only"] == "${var.materialize_current_state}"
    assert agent["raw_table_prefixes"] == "${keys(module.data_pipeline.raw_table_names)}"
    assert root.variables["materialize_current_state"]["default"] is False
