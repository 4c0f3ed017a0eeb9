"""The Terraform configuration says what the runbook and the architecture promise, checked with python-hcl2.

No terraform binary or provider can be downloaded here, so these tests read the HCL: every runbook name and
output, every module's files, every variable and module reference, the event source mappings, the workgroup,
the DLQ, the buckets and the IAM statements.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from . import hcl
from .hcl import REPO, ROOT, Module, first, render

PREFIX = "post-call-analytics"
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
WRITE_ACTIONS = {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"}
META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}
# Actions the IAM service reference lists without a resource type: only Resource "*" matches them.
NO_RESOURCE_TYPE = {"dynamodb:ListStreams", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# Actions that change or delete the existing tables or their items.
TABLE_WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteTable",
    "dynamodb:UpdateTable",
    "dynamodb:CreateTable",
    "dynamodb:RestoreTableToPointInTime",
}


@pytest.fixture(scope="module")
def root() -> Module:
    return hcl.root()


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return {name: hcl.child(name) for name in hcl.child_names()}


def _module_inputs(root: Module, name: str) -> dict[str, Any]:
    return {k: v for k, v in root.modules[name].items() if k not in META_ARGUMENTS}


def _statements(module: Module) -> list[tuple[str, dict[str, Any]]]:
    return [(doc, st) for doc, sts in module.policy_statements().items() for st in sts]


def _allow(statement: dict[str, Any]) -> bool:
    return statement.get("effect", "Allow") == "Allow"


def _actions(statement: dict[str, Any]) -> list[str]:
    return list(statement.get("actions", []))


def _resources(statement: dict[str, Any]) -> list[str]:
    resources = statement.get("resources", [])
    return [resources] if isinstance(resources, str) else list(resources)


def _statement(module: Module, document: str, sid: str) -> dict[str, Any]:
    for statement in module.policy_statements()[document]:
        if statement.get("sid") == sid:
            return statement
    raise AssertionError(f"{document} has no statement {sid}")


# ── Layout and references ──────────────────────────────────────────────────────────────────────────────────


def test_root_has_the_runbooks_modules_and_files() -> None:
    for name in (
        "versions.tf",
        "providers.tf",
        "variables.tf",
        "main.tf",
        "outputs.tf",
        "terraform.tfvars.example",
    ):
        assert (ROOT / name).is_file(), name
    assert set(hcl.child_names()) >= {
        "data_pipeline",
        "analytics",
        "bedrock_agent",
        "monitoring",
        "orchestration",
    }


@pytest.mark.parametrize("name", hcl.child_names())
def test_every_module_has_main_variables_outputs_versions_and_a_readme(name: str) -> None:
    folder = ROOT / "modules" / name
    missing = [f for f in MODULE_FILES if not (folder / f).is_file()]
    assert missing == []


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.tf")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_tf_file_parses(path: Path) -> None:
    parsed = hcl.parse_file(path)
    assert parsed, f"{path} is empty"


def test_every_module_source_is_a_local_folder_that_exists(root: Module) -> None:
    for name, block in root.modules.items():
        source = block["source"]
        assert source.startswith("./modules/"), (name, source)
        assert (ROOT / source).is_dir(), source


@pytest.mark.parametrize("name", ["root", *hcl.child_names()])
def test_every_variable_used_is_declared(name: str) -> None:
    module = hcl.root() if name == "root" else hcl.child(name)
    assert module.refs("var") - set(module.variables) == set()


@pytest.mark.parametrize("name", ["root", *hcl.child_names()])
def test_every_declared_variable_is_used(name: str) -> None:
    module = hcl.root() if name == "root" else hcl.child(name)
    assert set(module.variables) - module.refs("var") == set()


@pytest.mark.parametrize("name", ["root", *hcl.child_names()])
def test_every_local_used_is_defined(name: str) -> None:
    module = hcl.root() if name == "root" else hcl.child(name)
    assert module.refs("local") - set(module.locals) == set()


@pytest.mark.parametrize("name", hcl.child_names())
def test_module_call_passes_declared_inputs_and_every_required_one(root: Module, name: str) -> None:
    child = hcl.child(name)
    given = set(_module_inputs(root, name))
    required = {v for v, body in child.variables.items() if "default" not in body}
    assert given - set(child.variables) == set(), "inputs the module does not declare"
    assert required - given == set(), "required inputs not passed"


def test_every_module_output_the_root_reads_exists(root: Module, modules: dict[str, Module]) -> None:
    for module_name, output in root.module_output_refs():
        assert output in modules[module_name].outputs, f"module.{module_name}.{output}"


def test_modules_never_reach_into_each_other(modules: dict[str, Module]) -> None:
    for name, module in modules.items():
        assert module.module_output_refs() == set(), name
        assert module.modules == {}, name


# ── The runbook's variables, outputs and names ─────────────────────────────────────────────────────────────


def test_runbook_variables_are_required_and_the_prefix_defaults_to_the_project_name(root: Module) -> None:
    for name in ("calls_table_name", "scorecards_table_name", "existing_transcribe_bucket", "aws_region"):
        assert name in root.variables
        assert "default" not in root.variables[name], f"{name} must be set in terraform.tfvars"
    assert root.variables["name_prefix"]["default"] == PREFIX


def test_tfvars_example_sets_the_runbooks_values_and_mentions_only_declared_variables(root: Module) -> None:
    example = ROOT / "terraform.tfvars.example"
    values = hcl.parse_file(example)
    assert set(values) == {
        "calls_table_name",
        "scorecards_table_name",
        "existing_transcribe_bucket",
        "aws_region",
    }
    commented = set(re.findall(r"^#\s*([a-z_]+)\s*=", example.read_text(encoding="utf-8"), re.MULTILINE))
    assert commented, "the example documents the optional settings"
    assert commented - set(root.variables) == set()


def test_root_outputs_include_what_the_runbook_and_operators_read(root: Module) -> None:
    expected = {
        "analytics_bucket_name",
        "bedrock_agent_id",
        "bedrock_agent_alias_id",
        "athena_workgroup",
        "dlq_url",
    }
    assert expected <= set(root.outputs)
    assert root.outputs["dlq_url"]["value"] == "${module.data_pipeline.dlq_url}"
    assert root.outputs["bedrock_agent_id"]["value"] == "${module.bedrock_agent.agent_id}"


def test_runbook_resource_addresses_exist(root: Module, modules: dict[str, Module]) -> None:
    assert "stream_processor" in modules["data_pipeline"].resources["aws_lambda_function"]
    assert "main" in modules["bedrock_agent"].resources["aws_bedrockagent_agent"]
    assert root.modules["data_pipeline"]["source"] == "./modules/data_pipeline"
    assert root.modules["bedrock_agent"]["source"] == "./modules/bedrock_agent"


@pytest.mark.parametrize(
    ("module", "kind", "resource", "attribute", "expected"),
    [
        (
            "data_pipeline",
            "aws_lambda_function",
            "stream_processor",
            "function_name",
            f"{PREFIX}-stream-processor",
        ),
        ("data_pipeline", "aws_sqs_queue", "dlq", "name", f"{PREFIX}-stream-processor-dlq"),
        ("data_pipeline", "aws_glue_catalog_database", "raw", "name", "post_call_analytics_raw"),
        ("bedrock_agent", "aws_lambda_function", "executor", "function_name", f"{PREFIX}-athena-executor"),
        (
            "bedrock_agent",
            "aws_bedrockagent_agent_action_group",
            "athena_query_executor",
            "action_group_name",
            "AthenaQueryExecutor",
        ),
        ("analytics", "aws_athena_workgroup", "main", "name", PREFIX),
        ("analytics", "aws_glue_catalog_database", "curated", "name", "post_call_analytics"),
    ],
)
def test_runbook_names_are_the_contracts(
    module: str, kind: str, resource: str, attribute: str, expected: str
) -> None:
    child = hcl.child(module)
    value = child.resource(kind, resource)[attribute]
    assert render(value, child, {"name_prefix": PREFIX, "curated_database_name": None}) == expected


def test_lambda_handlers_and_packages_match_the_code_and_build_script(root: Module) -> None:
    import sys

    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    import package_lambdas

    functions = {
        "data_pipeline": ("stream_processor", "stream_processor"),
        "bedrock_agent": ("executor", "athena_executor"),
    }
    for module_name, (resource, package) in functions.items():
        function = hcl.child(module_name).resource("aws_lambda_function", resource)
        assert function["runtime"] == "python3.11"
        assert function["handler"] == f"lambdas.{package}.handler.lambda_handler"
        handler = REPO / "lambdas" / package / "handler.py"
        assert "def lambda_handler(" in handler.read_text(encoding="utf-8")
        assert function["filename"] == "${var.package_path}"
        assert function["source_code_hash"] == "${filebase64sha256(var.package_path)}"
        assert root.modules[module_name]["package_path"] == f"${{local.packages_dir}}/{package}.zip"
        # The pandas layer (pyarrow, ~250 MB limit shared with the package) only where the code imports it.
        if package_lambdas.analyse(package).needs_layer:
            assert function["layers"] == ["${var.pyarrow_layer_arn}"], package
        else:
            assert "layers" not in function, f"{package} never imports pyarrow: it must not carry the layer"
            assert "pyarrow_layer_arn" not in hcl.child(module_name).variables
            assert "pyarrow_layer_arn" not in root.modules[module_name]


def test_function_environments_name_settings_the_code_reads(modules: dict[str, Module]) -> None:
    sources = {
        ("data_pipeline", "stream_processor"): REPO / "lambdas" / "stream_processor" / "handler.py",
        ("bedrock_agent", "executor"): REPO / "lambdas" / "athena_executor" / "executor.py",
    }
    for (module_name, resource), source in sources.items():
        function = modules[module_name].resource("aws_lambda_function", resource)
        variables = first(function["environment"])["variables"]
        code = source.read_text(encoding="utf-8")
        for name in variables:
            if name.startswith("POWERTOOLS_"):
                continue
            assert f'"{name}"' in code, f"{source.name} does not read {name}"


# ── Existing tables and bucket: read only ──────────────────────────────────────────────────────────────────


def test_existing_tables_and_transcribe_bucket_are_data_sources_only(
    root: Module, modules: dict[str, Module]
) -> None:
    assert set(root.data["aws_dynamodb_table"]) == {"calls", "scorecards"}
    assert root.data["aws_dynamodb_table"]["calls"]["name"] == "${var.calls_table_name}"
    assert root.data["aws_s3_bucket"]["transcribe"]["bucket"] == "${var.existing_transcribe_bucket}"
    for module in [root, *modules.values()]:
        created = [
            (kind, name)
            for kind in module.resources
            if kind.startswith("aws_dynamodb_")
            for name in module.resources[kind]
        ]
        # the only table this project creates is the chat API's own conversations table
        assert created in ([], [("aws_dynamodb_table", "conversations")]), module.path
        assert "aws_s3_bucket" not in module.resources or all(
            "existing_transcribe_bucket" not in json.dumps(body)
            for body in module.resources["aws_s3_bucket"].values()
        )


def test_no_policy_allows_writing_the_source_tables(modules: dict[str, Module]) -> None:
    for name, module in modules.items():
        for document, statement in _statements(module):
            if _allow(statement) and set(_actions(statement)) & TABLE_WRITES:
                # writes only ever name the API's own conversations table
                assert _resources(statement) == ["${aws_dynamodb_table.conversations.arn}"], (name, document)


# ── Stream processing ──────────────────────────────────────────────────────────────────────────────────────


def test_one_event_source_mapping_per_table_stream(root: Module) -> None:
    tables = root.locals["source_streams"]
    assert set(tables) == {"calls", "scorecards"}
    mapping = hcl.child("data_pipeline").resource("aws_lambda_event_source_mapping", "stream")
    assert mapping["for_each"] == "${var.source_tables}"
    assert mapping["event_source_arn"] == "${each.value.stream_arn}"


def test_event_source_mapping_reports_partial_failures_bisects_and_bounds_retries() -> None:
    module = hcl.child("data_pipeline")
    mapping = module.resource("aws_lambda_event_source_mapping", "stream")
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
    assert mapping["bisect_batch_on_function_error"] is True
    assert mapping["starting_position"] == "TRIM_HORIZON"
    on_failure = first(first(mapping["destination_config"])["on_failure"])
    assert on_failure["destination_arn"] == "${aws_sqs_queue.dlq.arn}"

    retries = render(mapping["maximum_retry_attempts"], module)
    age = render(mapping["maximum_record_age_in_seconds"], module)
    assert 0 <= retries <= 10
    assert 60 <= age < 24 * 3600, "failed ranges must reach the DLQ while the stream still holds them"
    root_retries = hcl.root().variables["stream_maximum_retry_attempts"]["default"]
    root_age = hcl.root().variables["stream_maximum_record_age_seconds"]["default"]
    assert 0 <= root_retries <= 10
    assert root_age <= 6 * 3600


def test_event_source_mapping_refuses_a_table_without_a_new_and_old_images_stream() -> None:
    mapping = hcl.child("data_pipeline").resource("aws_lambda_event_source_mapping", "stream")
    conditions = [p["condition"] for p in first(mapping["lifecycle"])["precondition"]]
    messages = [p["error_message"] for p in first(mapping["lifecycle"])["precondition"]]
    assert any("NEW_AND_OLD_IMAGES" in c for c in conditions)
    assert all("enable-streams.sh" in m for m in messages)


def test_dlq_is_encrypted_and_keeps_messages_for_the_sqs_maximum() -> None:
    module = hcl.child("data_pipeline")
    queue = module.resource("aws_sqs_queue", "dlq")
    assert queue["sqs_managed_sse_enabled"] is True
    assert render(queue["message_retention_seconds"], module) == 14 * 24 * 3600


def test_stream_processor_role_reads_streams_writes_raw_and_quarantine_and_sends_to_the_dlq_only() -> None:
    module = hcl.child("data_pipeline")
    allowed = {
        action for _, st in _statements(module) if _allow(st) for action in _actions(st) if st.get("sid")
    }
    assert allowed == {
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "s3:PutObject",
        "s3:GetObject",
        "s3:AbortMultipartUpload",
        "s3:ListBucket",
        "sqs:SendMessage",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }
    streams = _statement(module, "stream_processor", "ReadSourceStreams")
    assert streams["resources"] == "${[for t in var.source_tables : t.stream_arn]}"
    writes = _statement(module, "stream_processor", "WriteRawAndQuarantinePrefixes")
    assert (
        writes["resources"] == '${[for p in local.write_prefixes : "${aws_s3_bucket.analytics.arn}/${p}/*"]}'
    )
    assert module.locals["write_prefixes"] == '${concat(keys(var.source_tables), ["quarantine"])}'
    dlq = _statement(module, "stream_processor", "SendFailedRangesToDlq")
    assert dlq["resources"] == ["${aws_sqs_queue.dlq.arn}"]


def test_raw_tables_follow_the_change_log_contract_with_partition_projection() -> None:
    from lambdas.stream_processor.lake import RAW_SCHEMA

    module = hcl.child("data_pipeline")
    table = module.resource("aws_glue_catalog_table", "raw")
    assert table["for_each"] == "${var.source_tables}"
    columns = [(c["name"], c["type"]) for c in module.locals["raw_columns"]]
    expected = [
        (f.name, "timestamp" if str(f.type).startswith("timestamp") else "string") for f in RAW_SCHEMA
    ]
    assert columns == expected
    assert first(table["partition_keys"])["name"] == "dt"
    parameters = table["parameters"]
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.dt.format"] == "yyyy-MM-dd"
    assert parameters["storage.location.template"].endswith("/${each.key}/dt=$${dt}/")
    assert "aws_glue_crawler" not in module.resources


# ── Buckets ────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ["data_pipeline", "analytics"])
def test_every_bucket_is_private_encrypted_versioned_and_tls_only(name: str) -> None:
    module = hcl.child(name)
    for bucket in module.resources["aws_s3_bucket"]:
        ref = f"${{aws_s3_bucket.{bucket}.id}}"
        blocks = module.resources["aws_s3_bucket_public_access_block"][bucket]
        assert blocks["bucket"] == ref
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ):
            assert blocks[flag] is True
        sse = module.resources["aws_s3_bucket_server_side_encryption_configuration"][bucket]
        default = first(first(sse["rule"])["apply_server_side_encryption_by_default"])
        assert default["sse_algorithm"] in {"aws:kms", "AES256"}
        versioning = module.resources["aws_s3_bucket_versioning"][bucket]
        assert first(versioning["versioning_configuration"])["status"] == "Enabled"
        policy_doc = module.resources["aws_s3_bucket_policy"][bucket]["policy"]
        document = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.(\w+)\.json\}", policy_doc)
        assert document
        deny = _statement(module, document.group(1), "DenyInsecureTransport")
        assert deny["effect"] == "Deny"
        assert first(deny["condition"])["variable"] == "aws:SecureTransport"


def test_results_bucket_deletes_results_after_seven_days() -> None:
    module = hcl.child("analytics")
    rule = first(module.resource("aws_s3_bucket_lifecycle_configuration", "results")["rule"])
    assert render(first(rule["expiration"])["days"], module) == 7


# ── Athena ─────────────────────────────────────────────────────────────────────────────────────────────────


def test_workgroup_enforces_its_configuration_a_1_gb_cutoff_encryption_and_engine_3(root: Module) -> None:
    module = hcl.child("analytics")
    configuration = first(module.resource("aws_athena_workgroup", "main")["configuration"])
    assert configuration["enforce_workgroup_configuration"] is True
    assert configuration["bytes_scanned_cutoff_per_query"] == "${var.bytes_scanned_cutoff}"
    assert _module_inputs(root, "analytics")["bytes_scanned_cutoff"] == "${var.athena_bytes_scanned_cutoff}"
    assert root.variables["athena_bytes_scanned_cutoff"]["default"] == 1024**3
    assert first(configuration["engine_version"])["selected_engine_version"] == "Athena engine version 3"
    result = first(configuration["result_configuration"])
    assert first(result["encryption_configuration"])["encryption_option"] in {"SSE_S3", "SSE_KMS", "CSE_KMS"}
    assert result["output_location"].startswith("s3://${aws_s3_bucket.results.bucket}/")


def test_dbt_writes_curated_tables_outside_the_raw_prefixes(root: Module) -> None:
    module = hcl.child("analytics")
    assert module.locals["curated_prefix"] == "curated"
    raw_prefixes_source = hcl.child("data_pipeline").locals["write_prefixes"]
    assert "curated" not in raw_prefixes_source
    build = hcl.child("orchestration").resource("aws_codebuild_project", "dbt_build")
    variables = {v["name"]: v["value"] for v in first(build["environment"])["environment_variable"]}
    assert variables["PCA_ATHENA_S3_DATA_DIR"] == "s3://${var.artifacts_bucket_name}/${var.curated_prefix}/"
    assert _module_inputs(root, "orchestration")["curated_prefix"] == "${module.analytics.curated_prefix}"


# ── Agent ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_agent_instruction_and_action_group_come_from_the_generated_files(root: Module) -> None:
    inputs = _module_inputs(root, "bedrock_agent")
    assert inputs["instruction"] == '${file("${path.root}/${var.agent_instruction_file}")}'
    assert (
        root.variables["agent_instruction_file"]["default"]
        == "../lambdas/athena_executor/agent_instruction.txt"
    )
    group_file = root.variables["agent_action_group_file"]["default"]
    assert group_file == "../lambdas/athena_executor/artifacts/action_group.json"
    generated = json.loads((ROOT / group_file).read_text(encoding="utf-8"))
    assert generated["actionGroupName"] == "AthenaQueryExecutor"
    functions = {f["name"]: f for f in generated["functionSchema"]["functions"]}
    assert functions["execute_sql_query"]["parameters"]["sql_query"]["type"] == "string"
    instruction = (ROOT / root.variables["agent_instruction_file"]["default"]).read_text(encoding="utf-8")
    assert 40 <= len(instruction) <= 4000


def test_agent_has_a_guardrail_is_prepared_and_callers_use_an_alias() -> None:
    module = hcl.child("bedrock_agent")
    agent = module.resource("aws_bedrockagent_agent", "main")
    assert agent["instruction"] == "${var.instruction}"
    assert agent["prepare_agent"] is True
    guardrail = first(agent["guardrail_configuration"])
    assert guardrail["guardrail_identifier"] == "${aws_bedrock_guardrail.main.guardrail_id}"
    group = module.resource("aws_bedrockagent_agent_action_group", "athena_query_executor")
    assert group["prepare_agent"] is True
    assert first(group["action_group_executor"])["lambda"] == "${aws_lambda_function.executor.arn}"
    alias = module.resource("aws_bedrockagent_agent_alias", "live")
    assert alias["agent_id"] == "${aws_bedrockagent_agent.main.agent_id}"
    assert alias["agent_alias_name"] == "${var.alias_name}"


def test_only_this_agent_may_invoke_the_executor() -> None:
    permission = hcl.child("bedrock_agent").resource("aws_lambda_permission", "agent_invokes_executor")
    assert permission["principal"] == "bedrock.amazonaws.com"
    assert permission["source_arn"] == "${aws_bedrockagent_agent.main.agent_arn}"
    assert permission["action"] == "lambda:InvokeFunction"


def test_executor_role_is_limited_to_the_workgroup_catalog_reads_and_the_results_prefix() -> None:
    module = hcl.child("bedrock_agent")
    athena = _statement(module, "executor", "RunQueriesInOneWorkgroup")
    assert athena["resources"] == ["${var.workgroup_arn}"]
    catalog = _statement(module, "executor", "ReadCatalog")
    assert all(action.startswith("glue:Get") for action in _actions(catalog))
    writes = [
        (st.get("sid"), action)
        for _, st in _statements(module)
        if _allow(st)
        for action in _actions(st)
        if action in WRITE_ACTIONS or (action.startswith("glue:") and "Get" not in action)
    ]
    assert writes == [("WriteQueryResults", "s3:PutObject")]
    results = _statement(module, "executor", "WriteQueryResults")
    assert results["resources"] == ["${var.results_bucket_arn}/${var.results_prefix}/*"]
    executor_actions = [a for st in module.policy_statements()["executor"] for a in _actions(st)]
    assert not [a for a in executor_actions if a.startswith("lambda:")], "no UDF calls out of Athena"


# ── Scheduled dbt build ────────────────────────────────────────────────────────────────────────────────────


def test_dbt_build_role_cannot_write_or_delete_raw_data_or_tables(root: Module) -> None:
    module = hcl.child("orchestration")
    deny = _statement(module, "build", "NeverWriteOrDeleteRawData")
    assert deny["effect"] == "Deny"
    assert {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject"} <= set(deny["actions"])
    assert deny["resources"] == "${local.raw_objects}"
    assert (
        module.locals["raw_objects"]
        == '${[for p in var.raw_prefixes : "${var.artifacts_bucket_arn}/${p}/*"]}'
    )
    assert _module_inputs(root, "orchestration")["raw_prefixes"] == "${module.data_pipeline.raw_prefixes}"
    tables = _statement(module, "build", "NeverChangeRawTables")
    assert tables["effect"] == "Deny"
    assert "glue:DeleteTable" in tables["actions"]
    assert all("raw_database_name" in r for r in _resources(tables))
    curated = _statement(module, "build", "WriteCuratedData")
    assert curated["resources"] == ["${var.artifacts_bucket_arn}/${var.curated_prefix}/*"]


def test_dbt_build_runs_the_buildspec_on_a_schedule_and_reports_failures() -> None:
    module = hcl.child("orchestration")
    project = module.resource("aws_codebuild_project", "dbt_build")
    buildspec = first(project["source"])["buildspec"]
    assert (REPO / buildspec).is_file()
    assert "dbt build --target prod" in (REPO / buildspec).read_text(encoding="utf-8")
    schedule = module.resource("aws_scheduler_schedule", "dbt_build")
    assert first(schedule["target"])["arn"].endswith(":scheduler:::aws-sdk:codebuild:startBuild")
    rule = module.resource("aws_cloudwatch_event_rule", "build_failed")
    assert "FAILED" in rule["event_pattern"]
    target = module.resource("aws_cloudwatch_event_target", "build_failed_to_sns")
    assert target["arn"] == "${var.notification_topic_arn}"


def test_dbt_build_sets_every_setting_the_athena_profile_reads() -> None:
    profiles = (REPO / "dbt_project" / "profiles.yml").read_text(encoding="utf-8")
    athena_profile = profiles.split("athena:", 1)[1]
    read = set(re.findall(r"env_var\('(PCA_[A-Z_]+)'", athena_profile)) | {"PCA_DBT_TARGET"}
    sources = "".join(
        p.read_text(encoding="utf-8") for p in (REPO / "dbt_project" / "models").rglob("*sources.yml")
    )
    read |= {name for name in re.findall(r"env_var\('(PCA_[A-Z_]+)'", sources) if "SCHEMA" in name}
    project = hcl.child("orchestration").resource("aws_codebuild_project", "dbt_build")
    set_by_build = {v["name"] for v in first(project["environment"])["environment_variable"]}
    assert read - set_by_build == set()


# ── Monitoring ─────────────────────────────────────────────────────────────────────────────────────────────


def test_runbook_alarms_exist_with_their_thresholds(root: Module) -> None:
    module = hcl.child("monitoring")
    alarms = module.resources["aws_cloudwatch_metric_alarm"]

    errors = alarms["stream_processor_errors"]
    assert (errors["metric_name"], errors["statistic"], errors["period"]) == ("Errors", "Sum", 300)
    assert root.variables["stream_processor_error_threshold"]["default"] == 5

    duration = alarms["executor_p95_duration"]
    assert (duration["metric_name"], duration["extended_statistic"]) == ("Duration", "p95")
    assert root.variables["executor_p95_duration_threshold_ms"]["default"] == 45000

    throttling = alarms["bedrock_throttling"]
    metrics = [first(q["metric"])["metric_name"] for q in throttling["metric_query"] if "metric" in q]
    assert set(metrics) == {"InvocationThrottles", "ModelInvocationThrottles"}
    assert throttling["threshold"] == 0

    dlq = alarms["dlq_depth"]
    assert (dlq["metric_name"], dlq["threshold"]) == ("ApproximateNumberOfMessagesVisible", 0)
    assert alarms["stream_iterator_age"]["metric_name"] == "IteratorAge"
    assert alarms["api_5xx_rate"]["count"] == "${local.api_alarm ? 1 : 0}"
    for name, alarm in alarms.items():
        assert alarm["alarm_actions"] == "${local.alarm_arns}", name


def test_dashboard_shows_the_alarmed_metrics() -> None:
    body = hcl.child("monitoring").resource("aws_cloudwatch_dashboard", "main")["dashboard_body"]
    for metric in (
        "Errors",
        "IteratorAge",
        "ApproximateNumberOfMessagesVisible",
        "Duration",
        "InvocationThrottles",
    ):
        assert f'"{metric}"' in body


def test_alarm_email_subscription_is_optional(root: Module) -> None:
    subscription = hcl.child("monitoring").resource("aws_sns_topic_subscription", "email")
    assert subscription["count"] == "${var.alarm_email == null ? 0 : 1}"
    assert root.variables["alarm_email"]["default"] is None


# ── Least privilege and no hard-coded accounts ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", hcl.child_names())
def test_no_wildcard_action_is_allowed(name: str) -> None:
    for document, statement in _statements(hcl.child(name)):
        if _allow(statement):
            for action in _actions(statement):
                assert "*" not in action, (document, action)


@pytest.mark.parametrize("name", hcl.child_names())
def test_data_services_are_never_granted_on_every_resource(name: str) -> None:
    data_services = ("s3:", "dynamodb:", "glue:", "athena:", "sqs:", "bedrock:", "lambda:", "codebuild:")
    for document, statement in _statements(hcl.child(name)):
        if _allow(statement) and "*" in _resources(statement):
            granted = [a for a in _actions(statement) if a.startswith(data_services)]
            assert set(granted) <= NO_RESOURCE_TYPE, document


@pytest.mark.parametrize("name", hcl.child_names())
def test_actions_without_a_resource_type_stand_alone_on_every_resource(name: str) -> None:
    """An action with no resource type matches only "*": scoped to ARNs it is never granted."""
    for document, statement in _statements(hcl.child(name)):
        actions = set(_actions(statement))
        if actions & NO_RESOURCE_TYPE:
            assert _resources(statement) == ["*"], (document, statement.get("sid"))
            assert actions <= NO_RESOURCE_TYPE, (
                f"{document}: keep {actions & NO_RESOURCE_TYPE} in its own statement"
            )


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.tf")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hard_coded_account_id_or_arn(path: Path) -> None:
    text = hcl.strip_comments(path.read_text(encoding="utf-8"))
    assert re.findall(r"(?<![\d.])\d{12}(?![\d.])", text) == []
    assert re.findall(r"arn:aws(-[a-z]+)?:", text) == [], "build ARNs from data.aws_partition"


def test_every_provider_constraint_is_the_same(modules: dict[str, Module]) -> None:
    versions = {(ROOT / "versions.tf").read_text(encoding="utf-8")}
    versions |= {(ROOT / "modules" / name / "versions.tf").read_text(encoding="utf-8") for name in modules}
    constraints = {re.search(r'version\s*=\s*"([^"]+)"', text).group(1) for text in versions}  # type: ignore[union-attr]
    assert len(constraints) == 1


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.tf")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_checkov_skip_gives_its_reason(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if "checkov:skip" in line:
            match = re.search(r"#checkov:skip=(CKV2?_AWS_\d+):(.+)$", line.strip())
            assert match, line
            assert len(match.group(2).split()) >= 5, f"give a reason a reviewer can judge: {line.strip()}"
