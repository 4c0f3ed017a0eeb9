"""The provider-schema check (`make terraform-schema`) finds each kind of mistake `terraform validate` would.

Each test plants one mistake — in a small configuration of its own or in a copy of `terraform/` — and expects
exactly that finding; the real configuration has none at either end of its provider constraint. The schemas are
the pinned `@cdktf/provider-aws` releases (fetched once with npm into build/provider-schema).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.tfcheck import check as tfcheck
from orchestration.tfcheck.provider import (
    PACKAGES,
    ConstraintError,
    allows,
    fetch,
    parse_version,
    versions_to_check,
)
from orchestration.tfcheck.schema import ProviderSchema

from .hcl import REPO, ROOT

CACHE = REPO / "build" / "provider-schema"


@pytest.fixture(scope="module")
def v6() -> ProviderSchema:
    return fetch("6.25.0", CACHE)


@pytest.fixture(scope="module")
def v5() -> ProviderSchema:
    return fetch("5.90.0", CACHE)


def _configure(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _messages(root: Path, *schemas: ProviderSchema) -> list[str]:
    return [f"{f.address}: {f.message}" for f in tfcheck.check(root, list(schemas))]


# ── The real configuration ─────────────────────────────────────────────────────────────────────────────────


def test_configuration_matches_the_schema_at_both_ends_of_its_constraint() -> None:
    constraints = tfcheck.provider_constraints(tfcheck.load_modules(ROOT))
    assert len(constraints) == 1, constraints
    versions = versions_to_check(constraints.pop())
    schemas = [fetch(v, CACHE) for v in versions]
    assert [str(f) for f in tfcheck.check(ROOT, schemas)] == []


def test_every_module_folder_is_checked_whether_or_not_it_is_called() -> None:
    folders = {p.relative_to(ROOT).as_posix() for p in tfcheck.module_folders(ROOT)}
    assert "." in folders
    on_disk = {f"modules/{p.name}" for p in (ROOT / "modules").iterdir() if list(p.glob("*.tf"))}
    assert on_disk <= folders


# ── Arguments and blocks ───────────────────────────────────────────────────────────────────────────────────


def test_unknown_argument(tmp_path: Path, v6: ProviderSchema) -> None:
    root = _configure(
        tmp_path, {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n  retention = 60\n}\n'}
    )
    assert _messages(root, v6) == ["aws_sqs_queue.q: unknown argument retention"]


def test_missing_required_argument(tmp_path: Path, v6: ProviderSchema) -> None:
    root = _configure(tmp_path, {"main.tf": 'resource "aws_sqs_queue_policy" "p" {\n  queue_url = "u"\n}\n'})
    assert _messages(root, v6) == ["aws_sqs_queue_policy.p: missing required argument policy"]


def test_missing_required_block_argument_inside_a_nested_block(tmp_path: Path, v6: ProviderSchema) -> None:
    text = """
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = "b"
  rule {
    id     = "r"
    status = "Enabled"
    noncurrent_version_expiration {
      newer_noncurrent_versions = 2
    }
  }
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_s3_bucket_lifecycle_configuration.l.rule.noncurrent_version_expiration: "
        "missing required argument noncurrent_days"
    ]


def test_computed_attribute_set_as_an_argument(tmp_path: Path, v6: ProviderSchema) -> None:
    root = _configure(tmp_path, {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n  arn = "x"\n}\n'})
    assert _messages(root, v6) == ["aws_sqs_queue.q: arn is computed (read only); it cannot be set"]


def test_block_written_as_an_attribute(tmp_path: Path, v6: ProviderSchema) -> None:
    text = 'resource "aws_athena_workgroup" "w" {\n  name = "w"\n  configuration = { enforce_workgroup_configuration = true }\n}\n'
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_athena_workgroup.w: configuration is a block: write configuration { … }, not configuration = …"
    ]


def test_attribute_written_as_a_block(tmp_path: Path, v6: ProviderSchema) -> None:
    text = """
resource "aws_bedrockagent_agent" "a" {
  agent_name              = "a"
  agent_resource_role_arn = "r"
  foundation_model        = "m"

  guardrail_configuration {
    guardrail_identifier = "g"
    guardrail_version    = "1"
  }
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_bedrockagent_agent.a: guardrail_configuration is an attribute: write guardrail_configuration = "
        "[{ … }], not a guardrail_configuration { … } block"
    ]


def test_block_that_takes_one_given_twice_and_unknown_nested_argument(
    tmp_path: Path, v6: ProviderSchema
) -> None:
    text = """
resource "aws_athena_workgroup" "w" {
  name = "w"
  configuration {
    enforce_workgroup_configuration = true
  }
  configuration {
    bytes_scanned_cutof_per_query = 10
  }
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_athena_workgroup.w: configuration takes at most one block; found 2",
        "aws_athena_workgroup.w.configuration: unknown argument bytes_scanned_cutof_per_query",
    ]


def test_dynamic_blocks_are_checked_like_blocks(tmp_path: Path, v6: ProviderSchema) -> None:
    text = """
resource "aws_bedrock_guardrail" "g" {
  name                      = "g"
  blocked_input_messaging   = "no"
  blocked_outputs_messaging = "no"

  content_policy_config {
    dynamic "filters_config" {
      for_each = ["HATE"]
      content {
        type            = filters_config.value
        input_strength  = "HIGH"
        output_strength = "HIGH"
        strength        = "HIGH"
      }
    }
  }

  dynamic "name" {
    for_each = []
    content {}
  }
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        'aws_bedrock_guardrail.g: dynamic "name": name is an attribute, not a block',
        "aws_bedrock_guardrail.g.content_policy_config.filters_config: unknown argument strength",
    ]


def test_unknown_resource_and_data_source_types(tmp_path: Path, v6: ProviderSchema) -> None:
    text = 'resource "aws_s3_buckets" "b" {}\ndata "aws_dynamodb_tabel" "t" {}\n'
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_s3_buckets.b: the provider has no resource type aws_s3_buckets",
        "data.aws_dynamodb_tabel.t: the provider has no data source aws_dynamodb_tabel",
    ]


def test_other_providers_types_and_moved_blocks_are_left_alone(tmp_path: Path, v6: ProviderSchema) -> None:
    text = """
data "archive_file" "site" {
  type        = "zip"
  source_dir  = "dist"
  output_path = "site.zip"
}

resource "aws_sqs_queue" "renamed" {
  name = data.archive_file.site.output_md5
}

moved {
  from = aws_sqs_queue.old
  to   = aws_sqs_queue.renamed
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == []


# ── References ─────────────────────────────────────────────────────────────────────────────────────────────


def test_references_that_do_not_resolve(tmp_path: Path, v6: ProviderSchema) -> None:
    text = """
variable "known" {
  type = string
}

locals {
  known = var.known
}

resource "aws_sqs_queue" "q" {
  name                      = "${var.unknown}-${local.missing}-${local.known}"
  kms_master_key_id         = aws_kms_key.absent.arn
  delay_seconds             = data.aws_region.absent.region
  message_retention_seconds = aws_sqs_queue.other.not_an_attribute
}

resource "aws_sqs_queue" "other" {
  name = "other"
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_kms_key.absent: referenced but not declared in this module",
        "aws_sqs_queue.other.not_an_attribute: no such attribute",
        "data.aws_region.absent: referenced but not declared in this module",
        "local.missing: no such local value is defined",
        "var.unknown: no such variable is declared",
    ]


def test_counted_resource_read_without_an_instance_key(tmp_path: Path, v6: ProviderSchema) -> None:
    text = """
resource "aws_sqs_queue" "many" {
  count = 2
  name  = "q${count.index}"
}

resource "aws_sqs_queue_policy" "p" {
  queue_url = aws_sqs_queue.many.url
  policy    = jsonencode({ queues = aws_sqs_queue.many[*].arn, first = aws_sqs_queue.many[0].arn })
}
"""
    root = _configure(tmp_path, {"main.tf": text})
    assert _messages(root, v6) == [
        "aws_sqs_queue.many.url: has count or for_each: read one instance ([key] or [*])"
    ]


def test_module_outputs_inputs_and_calls(tmp_path: Path, v6: ProviderSchema) -> None:
    files = {
        "main.tf": """
module "child" {
  source   = "./modules/child"
  optional = "x"
  typo     = "y"
}

output "fine" {
  value = module.child.name
}

output "broken" {
  value = "${module.child.missing}-${module.absent.name}"
}
""",
        "modules/child/main.tf": """
variable "required" {
  type = string
}

variable "optional" {
  type    = string
  default = null
}

output "name" {
  value = var.required
}
""",
    }
    root = _configure(tmp_path, files)
    assert _messages(root, v6) == [
        "module.absent: no such module call",
        "module.child: does not pass required input required",
        "module.child: passes typo, which the module does not declare",
        "module.child.missing: the module has no such output",
    ]


# ── Provider versions ──────────────────────────────────────────────────────────────────────────────────────


def test_an_attribute_only_the_newer_provider_has_is_caught_at_the_lower_end(
    tmp_path: Path, v5: ProviderSchema, v6: ProviderSchema
) -> None:
    text = (
        'data "aws_region" "current" {}\n\noutput "region" {\n  value = data.aws_region.current.region\n}\n'
    )
    root = _configure(tmp_path, {"main.tf": text})
    assert [str(f) for f in tfcheck.check(root, [v5, v6])] == [
        ".: data.aws_region.current.region: no such attribute [aws 5.90.0]"
    ]


def test_a_deprecated_attribute_is_caught_where_it_is_deprecated(
    tmp_path: Path, v5: ProviderSchema, v6: ProviderSchema
) -> None:
    text = 'data "aws_region" "current" {}\n\noutput "region" {\n  value = data.aws_region.current.name\n}\n'
    root = _configure(tmp_path, {"main.tf": text})
    assert [str(f) for f in tfcheck.check(root, [v5, v6])] == [
        ".: data.aws_region.current.name: deprecated since 6.0.0: use region [aws 6.25.0]"
    ]


@pytest.mark.parametrize(
    ("constraint", "versions"),
    [
        ("~> 6.25", ["6.25.0"]),
        (">= 5.90, < 7.0", ["5.90.0", "6.25.0"]),
        ("~> 5.90", ["5.90.0"]),
        ("= 6.25.0", ["6.25.0"]),
    ],
)
def test_both_ends_of_a_constraint(constraint: str, versions: list[str]) -> None:
    assert versions_to_check(constraint) == versions


@pytest.mark.parametrize("constraint", [">= 6.0", "< 7.0", "~> 6.30", "bogus"])
def test_a_constraint_whose_lower_end_has_no_pinned_schema_is_refused(constraint: str) -> None:
    with pytest.raises(ConstraintError):
        versions_to_check(constraint)


def test_pessimistic_constraint_bounds() -> None:
    assert allows("~> 6.25", parse_version("6.99.0"))
    assert not allows("~> 6.25", parse_version("7.0.0"))
    assert not allows("~> 6.25", parse_version("6.24.9"))
    assert allows("~> 6.25.1", parse_version("6.25.9"))
    assert not allows("~> 6.25.1", parse_version("6.26.0"))


def test_pinned_packages_are_the_schemas_they_claim(v5: ProviderSchema, v6: ProviderSchema) -> None:
    assert (v5.version, v6.version) == ("5.90.0", "6.25.0")
    assert set(PACKAGES) == {"5.90.0", "6.25.0"}
    assert len(v6.resources) > 1500 and len(v6.data_sources) > 600
    bucket = v6.resources["aws_s3_bucket"]
    assert "arn" in bucket.attributes and "arn" not in bucket.arguments
    assert v6.resources["aws_sqs_queue_policy"].arguments["policy"].required


# ── Planted in a copy of terraform/ ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        (
            "modules/analytics/main.tf",
            "  bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff\n",
            "  bytes_scanned_cutoff               = var.bytes_scanned_cutoff\n",
            "aws_athena_workgroup.main.configuration: unknown argument bytes_scanned_cutoff",
        ),
        (
            "modules/data_pipeline/main.tf",
            'resource "aws_s3_bucket_versioning" "analytics" {\n  bucket = aws_s3_bucket.analytics.id\n',
            'resource "aws_s3_bucket_versioning" "analytics" {\n',
            "aws_s3_bucket_versioning.analytics: missing required argument bucket",
        ),
        (
            "main.tf",
            "  force_destroy         = var.destroy_lake_with_stack\n",
            "  force_destroy         = var.destroy_lake_with_stack\n  lake_retention_days   = 30\n",
            "module.data_pipeline: passes lake_retention_days, which the module does not declare",
        ),
        (
            "outputs.tf",
            "module.bedrock_agent.agent_alias_id",
            "module.bedrock_agent.alias_id",
            "module.bedrock_agent.alias_id: the module has no such output",
        ),
    ],
    ids=[
        "unknown-nested-argument",
        "missing-required-argument",
        "undeclared-module-input",
        "missing-module-output",
    ],
)
def test_mistakes_planted_in_a_copy_of_the_configuration_are_found(
    tmp_path: Path, v6: ProviderSchema, path: str, old: str, new: str, expected: str
) -> None:
    copy = tmp_path / "terraform"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".terraform", "lambda_packages"))
    target = copy / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _messages(copy, v6) == [expected]
