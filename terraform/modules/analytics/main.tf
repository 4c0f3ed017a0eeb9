# The curated schema (Glue database for the dbt models), the Athena results bucket, and two workgroups:
# `post-call-analytics` for the agent and analysts (1 GB per-query cutoff, configuration enforced) and
# `post-call-analytics-dbt` for the scheduled dbt build.

locals {
  curated_database = coalesce(var.curated_database_name, replace(var.name_prefix, "-", "_"))
  curated_prefix   = "curated"
  workgroup_prefix = "workgroup"
  dbt_prefix       = "dbt"
}

resource "aws_glue_catalog_database" "curated" {
  name         = local.curated_database
  description  = "Curated, documented and tested models built by dbt from the raw change log."
  location_uri = "s3://${var.analytics_bucket_name}/${local.curated_prefix}/"
}

# ── Query results: private, encrypted, deleted after a week ────────────────────────────────────────────────

resource "aws_s3_bucket" "results" {
  #checkov:skip=CKV_AWS_18:Query results expire after 7 days; Athena and CloudTrail already record who ran which query
  #checkov:skip=CKV_AWS_144:Query results are disposable; no replica needed
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events for query results
  #checkov:skip=CKV_AWS_145:SSE-KMS with the AWS managed key (alias/aws/s3)
  bucket        = var.results_bucket_name
  force_destroy = true # results only: terraform destroy may empty it
}

resource "aws_s3_bucket_ownership_controls" "results" {
  bucket = aws_s3_bucket.results.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "results" {
  bucket                  = aws_s3_bucket.results.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "results" {
  bucket = aws_s3_bucket.results.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "results" {
  bucket = aws_s3_bucket.results.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "results" {
  bucket = aws_s3_bucket.results.id

  rule {
    id     = "expire-query-results"
    status = "Enabled"

    filter {}

    expiration {
      days = var.results_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.results]
}

data "aws_iam_policy_document" "results_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.results.arn,
      "${aws_s3_bucket.results.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "results" {
  bucket = aws_s3_bucket.results.id
  policy = data.aws_iam_policy_document.results_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.results]
}

# ── Workgroups ─────────────────────────────────────────────────────────────────────────────────────────────

resource "aws_athena_workgroup" "main" {
  name          = var.name_prefix
  description   = "Agent and analyst queries: engine v3, encrypted results, at most 1 GB scanned per query."
  state         = "ENABLED"
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location = "s3://${aws_s3_bucket.results.bucket}/${local.workgroup_prefix}/"

      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}

resource "aws_athena_workgroup" "dbt" {
  #checkov:skip=CKV_AWS_82:dbt-athena writes Hive tables to the workgroup output location when it is enforced (the 7-day results bucket); left unenforced so tables stay under curated/
  name          = "${var.name_prefix}-dbt"
  description   = "Scheduled dbt build: engine v3, encrypted results, bounded scan per query."
  state         = "ENABLED"
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = false
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.dbt_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location = "s3://${aws_s3_bucket.results.bucket}/${local.dbt_prefix}/"

      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}
