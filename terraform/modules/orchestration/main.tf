# Scheduled `dbt build --target prod`: EventBridge Scheduler starts a CodeBuild project that runs
# orchestration/buildspec.yml over the dbt project; failures are published to the alarm topic. With the scale
# switch on (the default) each build merges the changes since the last one into the Iceberg current-state
# tables and publishes the merge to CloudWatch (metrics_namespace), which the monitoring module alarms on.
# The build may create and replace curated tables and views but can never write or delete raw data
# (dbt-athena deletes the objects at a table's location when it rebuilds it).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  project_name = "${var.name_prefix}-dbt-build"
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  region       = data.aws_region.current.region
  source_key   = "deploy/dbt_build.zip"
  glue_prefix  = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
  raw_objects  = [for p in var.raw_prefixes : "${var.artifacts_bucket_arn}/${p}/*"]
}

resource "aws_s3_object" "source_bundle" {
  bucket      = var.artifacts_bucket_name
  key         = local.source_key
  source      = var.source_bundle_path
  source_hash = filemd5(var.source_bundle_path)
}

resource "aws_cloudwatch_log_group" "build" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer key adds cost without extra control here
  #checkov:skip=CKV_AWS_338:Build logs; retention is the log_retention_days variable (30 days by default)
  name              = "/aws/codebuild/${local.project_name}"
  retention_in_days = var.log_retention_days
}

# ── Build role ─────────────────────────────────────────────────────────────────────────────────────────────

data "aws_iam_policy_document" "codebuild_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "build" {
  name               = "${local.project_name}-role"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
}

data "aws_iam_policy_document" "build" {
  statement {
    sid       = "WriteBuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build.arn}:*"]
  }

  statement {
    sid       = "ReadSourceBundle"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${var.artifacts_bucket_arn}/${local.source_key}"]
  }

  statement {
    sid = "RunQueriesInDbtWorkgroup"
    actions = [
      "athena:StartQueryExecution",
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:StopQueryExecution",
      "athena:GetWorkGroup",
    ]
    resources = [var.dbt_workgroup_arn]
  }

  statement {
    sid = "ReadCatalog"
    actions = [
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetTable",
      "glue:GetTables",
      "glue:GetPartition",
      "glue:GetPartitions",
    ]
    resources = [
      "${local.glue_prefix}:catalog",
      "${local.glue_prefix}:database/${var.curated_database_name}",
      "${local.glue_prefix}:table/${var.curated_database_name}/*",
      "${local.glue_prefix}:database/${var.raw_database_name}",
      "${local.glue_prefix}:table/${var.raw_database_name}/*",
    ]
  }

  statement {
    sid = "ManageCuratedModels"
    actions = [
      "glue:CreateDatabase",
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:DeleteTable",
      "glue:GetTableVersions",
      "glue:DeleteTableVersion",
      "glue:BatchDeleteTableVersion",
      "glue:CreatePartition",
      "glue:BatchCreatePartition",
      "glue:UpdatePartition",
      "glue:DeletePartition",
      "glue:BatchDeletePartition",
    ]
    resources = [
      "${local.glue_prefix}:catalog",
      "${local.glue_prefix}:database/${var.curated_database_name}",
      "${local.glue_prefix}:table/${var.curated_database_name}/*",
    ]
  }

  statement {
    sid = "WriteCuratedData"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${var.artifacts_bucket_arn}/${var.curated_prefix}/*"]
  }

  statement {
    sid       = "ReadRawData"
    actions   = ["s3:GetObject"]
    resources = local.raw_objects
  }

  statement {
    sid       = "ListAnalyticsBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketAcl", "s3:ListBucketMultipartUploads"]
    resources = [var.artifacts_bucket_arn]
  }

  statement {
    sid = "UseQueryResults"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${var.results_bucket_arn}/${var.dbt_results_prefix}/*"]
  }

  statement {
    sid       = "PublishMergeMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource types; the condition limits it to the project's namespace

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }

  statement {
    sid       = "ListQueryResults"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [var.results_bucket_arn]
  }

  # Explicit denies win over any allow (also over a broader policy attached later by hand).
  statement {
    sid    = "NeverWriteOrDeleteRawData"
    effect = "Deny"
    actions = [
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:PutObject",
    ]
    resources = local.raw_objects
  }

  statement {
    sid    = "NeverChangeRawTables"
    effect = "Deny"
    actions = [
      "glue:DeleteDatabase",
      "glue:UpdateDatabase",
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:DeleteTable",
      "glue:BatchDeleteTable",
      "glue:DeletePartition",
      "glue:BatchDeletePartition",
    ]
    resources = [
      "${local.glue_prefix}:database/${var.raw_database_name}",
      "${local.glue_prefix}:table/${var.raw_database_name}/*",
    ]
  }
}

resource "aws_iam_role_policy" "build" {
  name   = "${local.project_name}-policy"
  role   = aws_iam_role.build.id
  policy = data.aws_iam_policy_document.build.json
}

# ── Build project ──────────────────────────────────────────────────────────────────────────────────────────

resource "aws_codebuild_project" "dbt_build" {
  #checkov:skip=CKV_AWS_147:Build artifacts and logs use AWS managed encryption; the build produces no artifacts
  name          = local.project_name
  description   = "dbt build --target prod over the curated models"
  service_role  = aws_iam_role.build.arn
  build_timeout = var.build_timeout_minutes

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source {
    type      = "S3"
    location  = "${var.artifacts_bucket_name}/${local.source_key}"
    buildspec = "orchestration/buildspec.yml"
  }

  environment {
    compute_type                = "BUILD_GENERAL1_SMALL"
    image                       = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
    type                        = "LINUX_CONTAINER"
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = false

    environment_variable {
      name  = "PCA_DBT_TARGET"
      value = "prod"
    }
    environment_variable {
      name  = "PCA_ATHENA_SCHEMA"
      value = var.curated_database_name
    }
    environment_variable {
      name  = "PCA_RAW_SCHEMA"
      value = var.raw_database_name
    }
    environment_variable {
      name  = "PCA_ATHENA_WORKGROUP"
      value = var.dbt_workgroup_name
    }
    environment_variable {
      name  = "PCA_ATHENA_S3_STAGING_DIR"
      value = "s3://${var.results_bucket_name}/${var.dbt_results_prefix}/"
    }
    environment_variable {
      name  = "PCA_ATHENA_S3_DATA_DIR"
      value = "s3://${var.artifacts_bucket_name}/${var.curated_prefix}/"
    }
    environment_variable {
      name  = "PCA_MATERIALIZE_CURRENT_STATE"
      value = var.materialize_current_state ? "true" : "false"
    }
    environment_variable {
      name  = "PCA_METRICS_NAMESPACE"
      value = var.metrics_namespace
    }
    environment_variable {
      name  = "DBT_PIP_REQUIREMENTS"
      value = join(" ", var.dbt_version_spec)
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
      status     = "ENABLED"
    }
  }

  depends_on = [aws_iam_role_policy.build]
}

# ── Schedule ───────────────────────────────────────────────────────────────────────────────────────────────

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${local.project_name}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartTheDbtBuild"
    actions   = ["codebuild:StartBuild"]
    resources = [aws_codebuild_project.dbt_build.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "${local.project_name}-scheduler"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "dbt_build" {
  #checkov:skip=CKV_AWS_297:The schedule holds only the build project name; AWS owned key encryption suffices
  name                         = local.project_name
  description                  = "Runs dbt build on the athena target"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = var.schedule_enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = "arn:${local.partition}:scheduler:::aws-sdk:codebuild:startBuild"
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ ProjectName = aws_codebuild_project.dbt_build.name })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# ── Failure notification ───────────────────────────────────────────────────────────────────────────────────

resource "aws_cloudwatch_event_rule" "build_failed" {
  name        = "${local.project_name}-failed"
  description = "The scheduled dbt build failed, stopped or timed out"
  event_pattern = jsonencode({
    source        = ["aws.codebuild"]
    "detail-type" = ["CodeBuild Build State Change"]
    detail = {
      "project-name" = [aws_codebuild_project.dbt_build.name]
      "build-status" = ["FAILED", "STOPPED", "FAULT", "TIMED_OUT"]
    }
  })
}

resource "aws_cloudwatch_event_target" "build_failed_to_sns" {
  rule      = aws_cloudwatch_event_rule.build_failed.name
  target_id = "alarm-topic"
  arn       = var.notification_topic_arn

  input_transformer {
    input_paths = {
      project = "$.detail.project-name"
      status  = "$.detail.build-status"
      build   = "$.detail.build-id"
    }
    input_template = "\"dbt build <project> ended <status> (<build>). Logs: /aws/codebuild/<project>. Re-run: bash scripts/run-crawlers.sh --codebuild\""
  }
}
