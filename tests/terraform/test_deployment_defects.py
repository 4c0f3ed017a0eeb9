"""Regression tests for deployment defects a schema review found: each would have failed a real plan or apply,
or quietly done the wrong thing."""

from __future__ import annotations

import json
import re
import sys

from . import hcl
from .hcl import REPO, ROOT, first

MODEL_DEFAULT = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
# Models Bedrock lists as Legacy or End-of-Life: new accounts cannot use them.
LEGACY_OR_EOL = {
    "anthropic.claude-v2",
    "anthropic.claude-v2:1",
    "anthropic.claude-instant-v1",
    "anthropic.claude-3-sonnet-20240229-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "anthropic.claude-3-7-sonnet-20250219-v1:0",
}
DOCS = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")


# ── 1. The AWS SDK for pandas layer's SSM parameter ────────────────────────────────────────────────────────


def test_pandas_layer_parameter_has_the_published_form_without_a_region_segment() -> None:
    root = hcl.root()
    name = root.data["aws_ssm_parameter"]["aws_sdk_pandas_layer"]["name"]
    assert name == (
        "/aws/service/aws-sdk-pandas/${var.aws_sdk_pandas_version}/py3.11/${var.lambda_architecture}"
        "/layer-arn"
    )
    assert "aws_region" not in name
    rendered = hcl.render(name, root)
    assert re.fullmatch(
        r"/aws/service/aws-sdk-pandas/\d+\.\d+\.\d+/py3\.11/(x86_64|arm64)/layer-arn", rendered
    )


def test_pandas_layer_architecture_matches_the_function_that_carries_it() -> None:
    root = hcl.root()
    function = hcl.child("data_pipeline").resource("aws_lambda_function", "stream_processor")
    assert function.get("architectures") == ["${var.architecture}"]
    assert root.modules["data_pipeline"]["architecture"] == "${var.lambda_architecture}", (
        "the managed layer is published per architecture: the stream processor that carries it must run on "
        "lambda_architecture, the architecture in the layer's parameter"
    )


def test_docs_troubleshoot_the_pandas_parameter_with_its_real_form() -> None:
    tip = DOCS.split("/aws/service/aws-sdk-pandas/", 1)[1].split("**", 2)[1]
    assert "<version>/py3.11/<architecture>/layer-arn" in DOCS
    assert "aws ssm get-parameter" in tip
    assert "not published in your region" not in DOCS


# ── 2. An Active default model ─────────────────────────────────────────────────────────────────────────────


def test_default_model_is_an_active_model_through_a_cross_region_inference_profile() -> None:
    root_default = hcl.root().variables["agent_foundation_model"]["default"]
    module_default = hcl.child("bedrock_agent").variables["foundation_model"]["default"]
    assert root_default == module_default == MODEL_DEFAULT
    geography, model = root_default.split(".", 1)
    assert geography in {"us", "eu", "apac", "global"}
    assert model not in LEGACY_OR_EOL
    assert hcl.root().modules["bedrock_agent"]["foundation_model"] == "${var.agent_foundation_model}"


def test_agent_refuses_an_inference_profile_of_another_geography() -> None:
    agent = hcl.child("bedrock_agent").resource("aws_bedrockagent_agent", "main")
    condition = first(first(agent["lifecycle"])["precondition"])["condition"]
    assert "profile_geography" in condition and "global" in condition
    locals_ = hcl.child("bedrock_agent").locals
    assert "apac" in locals_["profile_region_prefix"]


def test_docs_say_how_to_check_a_models_lifecycle() -> None:
    assert "modelLifecycle" in DOCS
    assert "aws bedrock get-foundation-model" in DOCS
    assert "aws bedrock list-inference-profiles" in DOCS
    assert MODEL_DEFAULT in DOCS


# ── 4. Guardrail edits reach the agent ─────────────────────────────────────────────────────────────────────


def test_guardrail_version_is_republished_when_the_guardrail_changes() -> None:
    module = hcl.child("bedrock_agent")
    version = module.resource("aws_bedrock_guardrail_version", "main")
    assert first(version["lifecycle"])["replace_triggered_by"] == ["${aws_bedrock_guardrail.main}"]
    assert version["skip_destroy"] is True, "agent versions that use an older guardrail version keep working"
    agent = module.resource("aws_bedrockagent_agent", "main")
    (configuration,) = agent["guardrail_configuration"]
    assert configuration["guardrail_version"] == "${aws_bedrock_guardrail_version.main.version}"


# ── 6. The alarm topic accepts only this project's alarms and rules ────────────────────────────────────────


def test_alarm_topic_policy_is_scoped_to_this_projects_alarms_and_event_rules() -> None:
    module = hcl.child("monitoring")
    statements = module.policy_statements()["alarms_topic"]
    publishers = [s for s in statements if s.get("effect", "Allow") == "Allow"]
    assert {s["sid"] for s in publishers} == {"ThisProjectsAlarmsPublish", "ThisProjectsEventRulesPublish"}
    for statement in publishers:
        (principal,) = statement["principals"]
        (service,) = principal["identifiers"]
        conditions = {c["variable"]: c for c in statement["condition"]}
        assert conditions["aws:SourceArn"]["test"] == "ArnLike"
        (arn,) = conditions["aws:SourceArn"]["values"]
        expected = "${local.own_alarms}" if service == "cloudwatch.amazonaws.com" else "${local.own_rules}"
        assert arn == expected
        assert conditions["aws:SourceAccount"]["values"] == ["${local.account_id}"]
    assert module.locals["own_alarms"].endswith(":alarm:${var.name_prefix}-*")
    assert module.locals["own_rules"].endswith(":rule/${var.name_prefix}-*")


def test_every_alarm_and_event_rule_is_named_with_the_prefix_the_topic_accepts() -> None:
    prefixed_inputs = {"stream_processor_name", "executor_name", "dlq_name", "name_prefix"}
    for name in hcl.child_names():
        module = hcl.child(name)
        for alarm in module.resources.get("aws_cloudwatch_metric_alarm", {}).values():
            variable = re.match(r"\$\{var\.(\w+)\}-", alarm["alarm_name"])
            assert variable and variable.group(1) in prefixed_inputs, alarm["alarm_name"]
        for rule in module.resources.get("aws_cloudwatch_event_rule", {}).values():
            assert rule["name"].startswith("${local.project_name}-"), rule["name"]
            assert module.locals["project_name"].startswith("${var.name_prefix}-")
    # The module inputs those names come from are themselves <name_prefix>-… names.
    contracts = {
        ("data_pipeline", "function_name"),
        ("data_pipeline", "dlq_name"),
        ("bedrock_agent", "executor_name"),
    }
    for module_name, local in contracts:
        assert hcl.child(module_name).locals[local].startswith("${var.name_prefix}-")


# ── 10. terraform destroy ──────────────────────────────────────────────────────────────────────────────────


def test_destroy_deletes_the_lake_only_when_asked_and_never_touches_the_existing_system() -> None:
    root = hcl.root()
    assert root.variables["destroy_lake_with_stack"]["default"] is False
    assert root.modules["data_pipeline"]["force_destroy"] == "${var.destroy_lake_with_stack}"
    bucket = hcl.child("data_pipeline").resource("aws_s3_bucket", "analytics")
    assert bucket["force_destroy"] == "${var.force_destroy}"
    # The tables and the Transcribe bucket are data sources in the root and nowhere else managed.
    assert set(root.data["aws_dynamodb_table"]) == {"calls", "scorecards"}
    for path in ROOT.rglob("*.tf"):
        text = hcl.strip_comments(path.read_text(encoding="utf-8"))
        # the only table the stack manages is its own conversations store, never a source table
        for match in re.finditer(
            r'resource\s+"aws_dynamodb_[a-z_]+"\s+"([a-z_]+)"\s*\{(.*?)\n\}', text, re.S
        ):
            assert (path.parent.name, match.group(1)) == ("api", "conversations"), path
            assert "calls_table_name" not in match.group(2) and "scorecards_table_name" not in match.group(2)
        assert "existing_transcribe_bucket" not in text or path.parent == ROOT, path


def test_destroy_section_gives_both_ways_and_its_commands_name_real_addresses() -> None:
    section = DOCS.split("## Destroying", 1)[1].split("\n## ", 1)[0]
    assert "terraform destroy" in section
    assert "destroy_lake_with_stack=true" in section.replace(" ", "")
    state_rm = re.search(r"terraform state list \| grep '([^']+)'", section)
    assert state_rm, "keeping the lake: the bucket's resources leave the state before destroy"
    pattern = re.compile(state_rm.group(1))
    module = hcl.child("data_pipeline")
    addresses = [
        f"module.data_pipeline.{kind}.{name}" for kind, named in module.resources.items() for name in named
    ]
    kept = sorted(a for a in addresses if pattern.search(a))
    assert kept == sorted(
        f"module.data_pipeline.{kind}.analytics"
        for kind in module.resources
        if kind.startswith("aws_s3_bucket")
    )
    assert "describe-table" in section


# ── 7. One tested provider major, locked ───────────────────────────────────────────────────────────────────


def test_lock_file_pins_the_provider_version_the_schema_check_tests() -> None:
    from orchestration.tfcheck.check import load_modules, provider_constraints
    from orchestration.tfcheck.provider import allows, parse_version, versions_to_check

    lock = hcl.parse_file(ROOT / ".terraform.lock.hcl")
    (providers,) = lock["provider"]
    entry = providers["registry.terraform.io/hashicorp/aws"]
    (constraint,) = provider_constraints(load_modules(ROOT))
    assert entry["constraints"] == constraint
    assert allows(constraint, parse_version(entry["version"]))
    assert entry["version"] in versions_to_check(constraint)
    assert constraint.startswith("~> 6."), "one provider major"
    assert "terraform providers lock -platform=" in DOCS


# ── 3. The runbook's instruction update reaches the alias callers use ──────────────────────────────────────

RUNBOOK_TARGET = "module.bedrock_agent.aws_bedrockagent_agent.main"
_RESOURCE_REF = re.compile(r"(?<![\w.])(aws_\w+|terraform_data)\.(\w+)")
_LOCAL_REF = re.compile(r"(?<![\w.])local\.(\w+)")


def _dependencies(module: hcl.Module, address: str) -> set[str]:
    """Resources `terraform apply -target=<address>` includes: the target and, transitively, what it refers to
    (directly, through locals, or by depends_on). Terraform never adds the target's dependents."""

    def referenced(value: object, seen_locals: set[str]) -> set[str]:
        text = json.dumps(value)
        found = {
            f"{kind}.{name}"
            for kind, name in _RESOURCE_REF.findall(text)
            if name in module.resources.get(kind, {})
        }
        for local in set(_LOCAL_REF.findall(text)) - seen_locals:
            seen_locals.add(local)
            found |= referenced(module.locals[local], seen_locals)
        return found

    closure, todo = set(), [address]
    while todo:
        current = todo.pop()
        if current in closure:
            continue
        closure.add(current)
        kind, name = current.split(".", 1)
        todo.extend(referenced(module.resources[kind][name], set()) - closure)
    return closure


def test_runbook_instruction_update_commands_are_documented_as_written() -> None:
    docs = DOCS.split("### The Bedrock agent instruction", 1)[1].split("\n### ", 1)[0]
    assert f"terraform apply -target={RUNBOOK_TARGET}" in docs
    assert "AGENT_ID=$(terraform output -raw bedrock_agent_id)" in docs
    assert 'aws bedrock-agent prepare-agent --agent-id "$AGENT_ID"' in docs
    _, module_name, kind, name = RUNBOOK_TARGET.split(".")
    assert name in hcl.child(module_name).resources[kind]


def test_targeted_apply_prepares_the_draft_and_the_promoter_moves_live_to_it() -> None:
    module = hcl.child("bedrock_agent")
    closure = _dependencies(module, "aws_bedrockagent_agent.main")
    # What the targeted apply touches: the agent (prepared by the provider), its role, guardrail and version.
    assert module.resource("aws_bedrockagent_agent", "main")["prepare_agent"] is True
    assert {"aws_bedrock_guardrail_version.main", "aws_iam_role.agent"} <= closure
    # The alias is a dependent of the agent, never inside the target: something else must move it.
    assert "aws_bedrockagent_agent_alias.live" not in closure
    alias = module.resource("aws_bedrockagent_agent_alias", "live")
    assert "lifecycle" not in alias, "the alias is never replaced: its id, which callers use, stays"
    assert (
        alias["agent_alias_name"] == "${var.alias_name}"
        and module.variables["alias_name"]["default"] == "live"
    )
    # The promoter, deployed with the stack, follows the prepared draft of this agent's alias.
    promoter = module.resource("aws_lambda_function", "promoter")
    assert promoter["handler"] == "lambdas.agent_promoter.handler.lambda_handler"
    environment = first(promoter["environment"])["variables"]
    assert environment == {
        "PCA_AGENT_ID": "${aws_bedrockagent_agent.main.agent_id}",
        "PCA_AGENT_ALIAS_NAME": "${var.alias_name}",
    }
    schedule = module.resource("aws_scheduler_schedule", "promoter")
    assert first(schedule["target"])["arn"] == "${aws_lambda_function.promoter.arn}"
    assert module.variables["promoter_schedule_expression"]["default"] == "rate(1 minute)"
    moves = [
        st for st in module.policy_statements()["promoter"] if "bedrock:UpdateAgentAlias" in st["actions"]
    ]
    (move,) = moves
    assert move["resources"] == ["${aws_bedrockagent_agent.main.agent_arn}", "${local.agent_alias_arns}/*"]
    assert module.locals["agent_alias_arns"].endswith(":agent-alias/${aws_bedrockagent_agent.main.agent_id}")
    # It ships like the other functions.
    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    import package_lambdas

    assert "agent_promoter" in package_lambdas.existing_functions()
    assert package_lambdas.analyse("agent_promoter").requirements == [], "boto3 only, from the runtime"
    assert (
        hcl.root().modules["bedrock_agent"]["promoter_package_path"]
        == "${local.packages_dir}/agent_promoter.zip"
    )
