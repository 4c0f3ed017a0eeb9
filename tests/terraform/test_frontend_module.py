"""module.frontend: private bucket behind CloudFront with origin access control, SPA routes, security headers,
TLS, the built site uploaded with content types and cache headers, config.json from the outputs."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import hcl
from .hcl import ROOT, Module, first


@pytest.fixture(scope="module")
def frontend() -> Module:
    return hcl.child("frontend")


def _distribution(frontend: Module) -> dict[str, Any]:
    return frontend.resource("aws_cloudfront_distribution", "site")


def test_bucket_is_private_encrypted_and_tls_only(frontend: Module) -> None:
    block = frontend.resource("aws_s3_bucket_public_access_block", "site")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    ownership = first(frontend.resource("aws_s3_bucket_ownership_controls", "site")["rule"])
    assert ownership["object_ownership"] == "BucketOwnerEnforced"
    sse = frontend.resource("aws_s3_bucket_server_side_encryption_configuration", "site")
    assert first(first(sse["rule"])["apply_server_side_encryption_by_default"])["sse_algorithm"] == "AES256"
    statements = {s["sid"]: s for s in frontend.policy_statements()["site"]}
    deny = statements["DenyInsecureTransport"]
    assert deny["effect"] == "Deny"
    assert first(deny["condition"])["values"] == ["false"]


def test_only_this_distribution_reads_the_bucket_through_oac(frontend: Module) -> None:
    oac = frontend.resource("aws_cloudfront_origin_access_control", "site")
    assert oac["origin_access_control_origin_type"] == "s3"
    assert oac["signing_behavior"] == "always"
    assert oac["signing_protocol"] == "sigv4"
    read = {s["sid"]: s for s in frontend.policy_statements()["site"]}["CloudFrontReadsThroughOAC"]
    assert read["actions"] == ["s3:GetObject"]
    assert first(read["principals"])["identifiers"] == ["cloudfront.amazonaws.com"]
    condition = first(read["condition"])
    assert condition["variable"] == "AWS:SourceArn"
    assert "aws_cloudfront_distribution.site.arn" in str(condition["values"])
    origin = first(_distribution(frontend)["origin"])
    assert "aws_cloudfront_origin_access_control.site.id" in origin["origin_access_control_id"]
    assert "bucket_regional_domain_name" in origin["domain_name"]
    assert "s3_origin_config" not in origin  # no legacy origin access identity


def test_https_only_with_spa_routes_and_security_headers(frontend: Module) -> None:
    distribution = _distribution(frontend)
    behaviour = first(distribution["default_cache_behavior"])
    assert behaviour["viewer_protocol_policy"] == "redirect-to-https"
    assert behaviour["compress"] is True
    assert "aws_cloudfront_response_headers_policy.security.id" in behaviour["response_headers_policy_id"]
    association = first(behaviour["function_association"])
    assert association["event_type"] == "viewer-request"
    assert "aws_cloudfront_function.spa_rewrite.arn" in association["function_arn"]
    function = frontend.resource("aws_cloudfront_function", "spa_rewrite")
    assert function["runtime"] == "cloudfront-js-2.0"
    assert "spa_rewrite.js" in function["code"]
    assert distribution["default_root_object"] == "index.html"


def _csp(frontend: Module) -> str:
    directives = re.search(r'content_security_policy = join\("; ", \[(.*?)\]\)', frontend.text, re.DOTALL)
    assert directives
    return "; ".join(re.findall(r'"([^"]*)"', directives.group(1)))


def test_csp_allows_cloudscape_fonts_and_nothing_inline_for_scripts(frontend: Module) -> None:
    csp = _csp(frontend)
    assert "font-src 'self' data:" in csp
    script_src = re.search(r"script-src[^;]*", csp)
    assert script_src and script_src.group(0) == "script-src 'self'"
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "connect-src ${local.connect_src}" in csp
    connect = re.search(
        r'connect_src = join\(" ", concat\(\[(.*?)\], var\.extra_connect_src\)\)', frontend.text, re.DOTALL
    )
    assert connect
    origins = re.findall(r'"([^"]*)"', connect.group(1))
    assert origins == [
        "'self'",
        "https://*.execute-api.${local.region}.amazonaws.com",
        "https://cognito-idp.${local.region}.amazonaws.com",
        "https://*.auth.${local.region}.amazoncognito.com",
    ]
    headers = first(
        frontend.resource("aws_cloudfront_response_headers_policy", "security")["security_headers_config"]
    )
    hsts = first(headers["strict_transport_security"])
    assert hsts["access_control_max_age_sec"] >= 31536000
    assert hsts["include_subdomains"] is True
    assert (
        "local.content_security_policy"
        in first(headers["content_security_policy"])["content_security_policy"]
    )
    assert first(headers["frame_options"])["frame_option"] == "DENY"


def test_csp_names_no_resource_that_depends_on_the_distribution(frontend: Module) -> None:
    """The API's CORS origin and the Cognito callback URLs come from this distribution, so the headers policy
    (which the distribution uses) must not refer to the API URL or the Cognito client: that would be a cycle."""
    csp_locals = re.search(r"connect_src = .*?object-src 'none'\",\n  \]\)", frontend.text, re.DOTALL)
    assert csp_locals
    assert "var.api_url" not in csp_locals.group(0)
    assert "var.cognito" not in csp_locals.group(0)


def test_tls_12_or_later_with_a_custom_domain(frontend: Module) -> None:
    certificate = first(_distribution(frontend)["viewer_certificate"])
    assert "TLSv1.2_2021" in certificate["minimum_protocol_version"]
    assert "sni-only" in certificate["ssl_support_method"]


def test_dist_is_uploaded_with_content_types_and_cache_headers(frontend: Module) -> None:
    objects = frontend.resource("aws_s3_object", "site")
    assert "local.site_files" in objects["for_each"]
    assert "filemd5" in objects["source_hash"]
    assert "local.content_types" in objects["content_type"]
    assert 'startswith(each.value, "assets/")' in objects["cache_control"]
    types = frontend.locals["content_types"]
    assert types["html"].startswith("text/html") and types["js"].startswith("text/javascript")
    assert types["css"].startswith("text/css") and types["svg"] == "image/svg+xml"
    assert "immutable" in frontend.locals["immutable"]
    assert frontend.locals["revalidate"] == "no-cache"


def test_config_json_is_written_from_the_outputs(frontend: Module) -> None:
    config = frontend.resource("aws_s3_object", "config")
    assert config["key"] == "config.json"
    assert config["content_type"] == "application/json"
    assert config["cache_control"] == "${local.revalidate}"
    site_config = frontend.locals["site_config"]
    assert site_config["apiUrl"] == "${var.api_url}"
    assert site_config["cognitoUserPoolId"] == "${var.cognito_user_pool_id}"
    assert site_config["cognitoClientId"] == "${var.cognito_client_id}"


def test_outputs_frontend_url(frontend: Module) -> None:
    assert "frontend_url" in frontend.outputs
    value = str(frontend.outputs["frontend_url"]["value"])
    assert value.count("}/") == 2, value  # both the custom domain and the distribution's name end in "/"


def test_root_wires_the_module_and_its_url(frontend: Module) -> None:
    root = hcl.root()
    assert "frontend" in root.modules, "module.frontend is not wired in terraform/main.tf"
    block = root.modules["frontend"]
    assert block["source"] == "./modules/frontend"
    required = {k for k, v in frontend.variables.items() if "default" not in v}
    assert required <= set(block)
    assert block["api_url"] == "${module.api.api_url}"
    assert block["cognito_user_pool_id"] == "${module.auth.user_pool_id}"
    assert block["cognito_client_id"] == "${module.auth.client_id}"
    assert root.variables["frontend_dist_dir"]["default"] == "../frontend/dist"
    for name in ("frontend_url", "frontend_distribution_id", "frontend_bucket_name"):
        assert name in root.outputs
    assert root.outputs["frontend_url"]["value"] == "${one(module.frontend[*].frontend_url)}"


def test_the_site_url_is_the_cors_origin_and_the_cognito_callback() -> None:
    root = hcl.root()
    assert "module.frontend[*].frontend_url" in root.locals["site_url"]
    assert "local.site_url" in root.locals["site_origin"]
    assert root.modules["api"]["allowed_origin"] == "${local.site_origin}"
    assert root.modules["auth"]["callback_urls"] == "${local.site_urls}"
    assert root.modules["auth"]["logout_urls"] == "${local.site_urls}"
    assert "local.site_origin" in root.locals["site_urls"]
    assert (ROOT / "modules" / "frontend" / "spa_rewrite.js").is_file()
