"""Structure of the chat product's Terraform: the ``auth`` (Cognito) and ``api`` (API Gateway, api_handler,
conversations table) modules and their wiring in the root (python-hcl2; no terraform binary needed)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from . import hcl
from .hcl import REPO, Module, first, render

PREFIX = "post-call-analytics"


@pytest.fixture(scope="module")
def auth() -> Module:
    return hcl.child("auth")


@pytest.fixture(scope="module")
def api() -> Module:
    return hcl.child("api")


@pytest.fixture(scope="module")
def root() -> Module:
    return hcl.root()


def statement(module: Module, sid: str) -> dict[str, Any]:
    for item in module.policy_statements()["function"]:
        if item.get("sid") == sid:
            return item
    raise AssertionError(f"no statement {sid}")


# ── auth ───────────────────────────────────────────────────────────────────────────────────────────────────


def test_user_pool_is_invite_only_with_a_password_policy_mfa_and_deletion_protection(auth: Module) -> None:
    pool = auth.resource("aws_cognito_user_pool", "main")
    assert first(pool["admin_create_user_config"])["allow_admin_create_user_only"] is True
    policy = first(pool["password_policy"])
    assert auth.variables["password_minimum_length"]["default"] >= 12
    assert all(
        policy[k] is True
        for k in ("require_lowercase", "require_uppercase", "require_numbers", "require_symbols")
    )
    assert pool["mfa_configuration"] == "${var.mfa_configuration}"
    assert auth.variables["mfa_configuration"]["default"] == "OPTIONAL"
    assert "software_token_mfa_configuration" in json.dumps(pool)  # TOTP when MFA is not OFF
    assert pool["deletion_protection"] == '${var.deletion_protection ? "ACTIVE" : "INACTIVE"}'
    assert auth.variables["deletion_protection"]["default"] is True
    assert pool["username_attributes"] == ["email"]


def test_site_client_is_public_code_flow_with_pkce_and_a_hosted_ui(auth: Module, root: Module) -> None:
    client = auth.resource("aws_cognito_user_pool_client", "site")
    assert client["generate_secret"] is False  # public: PKCE, no secret in the browser
    assert client["allowed_oauth_flows"] == ["code"]
    assert client["allowed_oauth_flows_user_pool_client"] is True
    assert "openid" in client["allowed_oauth_scopes"]
    assert "ALLOW_USER_PASSWORD_AUTH" not in client["explicit_auth_flows"]
    assert "aws_cognito_user_pool_domain" in auth.resources
    # callbacks: the site (when set) and local development
    assert "http://localhost:5173/" in root.locals["site_urls"]
    assert root.modules["auth"]["callback_urls"] == "${local.site_urls}"


# ── api ────────────────────────────────────────────────────────────────────────────────────────────────────


def test_every_method_but_the_preflight_uses_the_cognito_authorizer(api: Module) -> None:
    authorizer = api.resource("aws_api_gateway_authorizer", "cognito")
    assert authorizer["type"] == "COGNITO_USER_POOLS"
    assert authorizer["provider_arns"] == ["${var.user_pool_arn}"]
    methods = api.resources["aws_api_gateway_method"]
    assert set(methods) == {"proxy", "preflight"}
    assert methods["proxy"]["http_method"] == "ANY"
    assert methods["proxy"]["authorization"] == "COGNITO_USER_POOLS"
    assert methods["proxy"]["authorizer_id"] == "${aws_api_gateway_authorizer.cognito.id}"
    assert (
        methods["preflight"]["http_method"] == "OPTIONS" and methods["preflight"]["authorization"] == "NONE"
    )
    assert api.resource("aws_api_gateway_integration", "preflight")["type"] == "MOCK"
    proxy = api.resource("aws_api_gateway_integration", "proxy")
    assert proxy["type"] == "AWS_PROXY" and proxy["uri"] == "${aws_lambda_function.api_handler.invoke_arn}"


def test_cors_allows_the_sites_origin_only_and_gateway_errors_carry_it(api: Module) -> None:
    preflight = api.resource("aws_api_gateway_integration_response", "preflight")["response_parameters"]
    assert preflight["method.response.header.Access-Control-Allow-Origin"] == "'${var.allowed_origin}'"
    assert (
        api.locals["cors_headers"]["gatewayresponse.header.Access-Control-Allow-Origin"]
        == "'${var.allowed_origin}'"
    )
    responses = api.resource("aws_api_gateway_gateway_response", "problems")
    assert responses["response_parameters"] == "${local.cors_headers}"
    assert {"UNAUTHORIZED", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(api.locals["gateway_problems"])
    function = api.resource("aws_lambda_function", "api_handler")
    assert first(function["environment"])["variables"]["PCA_API_ALLOWED_ORIGIN"] == "${var.allowed_origin}"


def test_stage_has_tracing_access_logs_and_throttling(api: Module) -> None:
    stage = api.resource("aws_api_gateway_stage", "main")
    assert stage["xray_tracing_enabled"] is True
    logs = first(stage["access_log_settings"])
    assert logs["destination_arn"] == "${aws_cloudwatch_log_group.access.arn}"
    assert "$context.requestId" in logs["format"] and "body" not in logs["format"]
    settings = first(api.resource("aws_api_gateway_method_settings", "all")["settings"])
    assert settings["throttling_rate_limit"] == "${var.throttling_rate_limit}"
    assert settings["throttling_burst_limit"] == "${var.throttling_burst_limit}"
    assert settings["data_trace_enabled"] is False  # would log questions
    assert settings["metrics_enabled"] is True


def test_api_url_ends_in_a_slash_and_the_root_exposes_the_runbooks_outputs(api: Module, root: Module) -> None:
    assert api.outputs["api_url"]["value"] == "${aws_api_gateway_stage.main.invoke_url}/"
    assert root.outputs["api_url"]["value"] == "${module.api.api_url}"
    assert root.outputs["cognito_user_pool_id"]["value"] == "${module.auth.user_pool_id}"
    assert root.outputs["cognito_client_id"]["value"] == "${module.auth.client_id}"


def test_the_5xx_alarm_watches_the_api(root: Module) -> None:
    monitoring = root.modules["monitoring"]
    assert monitoring["api_gateway_rest_api_name"] == "${module.api.rest_api_name}"
    assert monitoring["api_gateway_stage_name"] == "${module.api.stage_name}"


def test_conversations_table_is_on_demand_with_ttl_pitr_and_encryption(api: Module) -> None:
    table = api.resource("aws_dynamodb_table", "conversations")
    assert render(table["name"], api, {"name_prefix": PREFIX}) == f"{PREFIX}-conversations"
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert (table["hash_key"], table["range_key"]) == ("pk", "sk")
    assert first(table["ttl"]) == {"attribute_name": "expires_at", "enabled": True}
    assert first(table["point_in_time_recovery"])["enabled"] is True
    assert first(table["server_side_encryption"])["enabled"] is True
    store = (REPO / "lambdas" / "api_handler" / "store.py").read_text(encoding="utf-8")
    assert '"expires_at"' in store and '"pk"' in store and '"sk"' in store


def test_api_handler_is_the_runbooks_function_built_by_build_sh(api: Module, root: Module) -> None:
    function = api.resource("aws_lambda_function", "api_handler")
    assert render(function["function_name"], api, {"name_prefix": PREFIX}) == f"{PREFIX}-api-handler"
    assert function["handler"] == "lambdas.api_handler.handler.lambda_handler"
    assert "def lambda_handler(" in (REPO / "lambdas" / "api_handler" / "handler.py").read_text(
        encoding="utf-8"
    )
    assert function["runtime"] == "python3.11"
    assert function["source_code_hash"] == "${filebase64sha256(var.package_path)}"
    assert root.modules["api"]["package_path"] == "${local.packages_dir}/api_handler.zip"
    assert first(function["tracing_config"])["mode"] == "Active"
    # its answers must come before API Gateway's 29 s limit
    assert api.variables["answer_timeout_seconds"]["default"] < 29
    assert api.resource("aws_api_gateway_integration", "proxy")["timeout_milliseconds"] <= 29000


def test_api_handler_environment_names_settings_the_code_reads(api: Module) -> None:
    variables = first(api.resource("aws_lambda_function", "api_handler")["environment"])["variables"]
    code = "".join(
        (REPO / "lambdas" / path).read_text(encoding="utf-8")
        for path in ("api_handler/wiring.py", "api_handler/handler.py", "shared/answering/config.py")
    )
    for name in variables:
        if not name.startswith("POWERTOOLS_"):
            assert f'"{name}"' in code, name


def test_api_handler_role_is_least_privilege(api: Module) -> None:
    assert statement(api, "ConversationsTable")["resources"] == ["${aws_dynamodb_table.conversations.arn}"]
    agent = statement(api, "InvokeTheAgentAlias")
    assert agent["actions"] == ["bedrock:InvokeAgent"] and agent["resources"] == ["${var.agent_alias_arn}"]
    assert statement(api, "RunQueriesInOneWorkgroup")["resources"] == ["${var.workgroup_arn}"]
    transcripts = statement(api, "ReadTranscripts")
    assert transcripts["actions"] == ["s3:GetObject"]
    assert transcripts["resources"] == ["${var.transcribe_bucket_arn}/${var.transcribe_prefix}*"]
    assert statement(api, "FinishSlowAnswers")["resources"] == ["${local.function_arn}"]
    assert (
        render(api.locals["function_arn"].rsplit(":", 1)[1], api, {"name_prefix": PREFIX})
        == f"{PREFIX}-api-handler"
    )
    writes = [
        s
        for s in api.policy_statements()["function"]
        if any(a.startswith("s3:Put") for a in s.get("actions", []))
    ]
    assert [w["sid"] for w in writes] == [
        "WriteQueryResults"
    ]  # nothing written to the lake or Transcribe bucket
    lake = [
        s
        for s in api.policy_statements()["function"]
        if "${var.analytics_bucket_arn}/*" in s.get("resources", [])
    ]
    assert all(s["actions"] == ["s3:GetObject"] for s in lake)


def test_the_site_origin_defaults_to_local_development(root: Module) -> None:
    assert root.variables["chat_site_url"]["default"] is None
    assert re.search(r"http://localhost:5173", json.dumps(root.locals["site_origin"]))
