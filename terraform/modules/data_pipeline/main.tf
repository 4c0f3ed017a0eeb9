# DynamoDB Streams → stream_processor Lambda → raw change-log Parquet in the analytics bucket.
# Failed ranges go to the SQS DLQ (redrive: scripts/redrive-dlq.sh). Raw tables are defined here with
# partition projection, so no crawler ever runs.

locals {
  function_name  = "${var.name_prefix}-stream-processor"
  dlq_name       = "${var.name_prefix}-stream-processor-dlq"
  raw_database   = "${replace(var.name_prefix, "-", "_")}_raw"
  write_prefixes = concat(keys(var.source_tables), ["quarantine"])

  # The raw change-log contract (docs: design/architecture.md, "the raw change log"); `dt` is the partition.
  raw_columns = [
    { name = "event_id", type = "string", comment = "Stream eventID; for snapshots a deterministic id" },
    { name = "event_name", type = "string", comment = "INSERT, MODIFY, REMOVE or SNAPSHOT" },
    { name = "event_source", type = "string", comment = "stream or backfill" },
    { name = "event_at", type = "timestamp", comment = "ApproximateCreationDateTime (UTC); for snapshots the read time" },
    { name = "sequence_number", type = "string", comment = "Stream sequence number left-padded to 40 digits" },
    { name = "keys", type = "string", comment = "Primary-key attributes as JSON" },
    { name = "new_image", type = "string", comment = "Item after the change as plain JSON; null on REMOVE" },
    { name = "old_image", type = "string", comment = "Item before the change as plain JSON, where the stream carries it" },
    { name = "ingested_at", type = "timestamp", comment = "When the file was written (UTC)" },
  ]
}

# ── Analytics bucket ───────────────────────────────────────────────────────────────────────────────────────

resource "aws_s3_bucket" "analytics" {
  #checkov:skip=CKV_AWS_18:Server access logs need a second bucket per deployment; S3 data events in CloudTrail are the audit trail
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice; the lake can be rebuilt from the tables (backfill)
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events; Lambda writes and Athena reads on schedule
  #checkov:skip=CKV_AWS_145:SSE-KMS with the AWS managed key (alias/aws/s3); a customer key would add cost and key policy work for no extra control here
  bucket        = var.analytics_bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "analytics" {
  bucket = aws_s3_bucket.analytics.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "analytics" {
  bucket                  = aws_s3_bucket.analytics.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "analytics" {
  bucket = aws_s3_bucket.analytics.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "analytics" {
  bucket = aws_s3_bucket.analytics.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "analytics" {
  bucket = aws_s3_bucket.analytics.id

  rule {
    id     = "abort-incomplete-uploads-and-expire-old-versions"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  depends_on = [aws_s3_bucket_versioning.analytics]
}

data "aws_iam_policy_document" "analytics_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.analytics.arn,
      "${aws_s3_bucket.analytics.arn}/*",
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

resource "aws_s3_bucket_policy" "analytics" {
  bucket = aws_s3_bucket.analytics.id
  policy = data.aws_iam_policy_document.analytics_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.analytics]
}

# ── Dead-letter queue for failed stream ranges ─────────────────────────────────────────────────────────────

resource "aws_sqs_queue" "dlq" {
  #checkov:skip=CKV2_AWS_73:SQS-managed encryption (SSE-SQS); messages hold only shard ids and sequence numbers, no item data
  name                      = local.dlq_name
  message_retention_seconds = var.dlq_retention_seconds
  sqs_managed_sse_enabled   = true
}

data "aws_iam_policy_document" "dlq" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["sqs:*"]
    resources = [
      aws_sqs_queue.dlq.arn,
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

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}

# ── Stream processor function ──────────────────────────────────────────────────────────────────────────────

resource "aws_cloudwatch_log_group" "stream_processor" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer key adds cost without extra control here
  #checkov:skip=CKV_AWS_338:Operational logs; retention is the log_retention_days variable (30 days by default)
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "stream_processor" {
  name               = "${local.function_name}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

# Read the two streams, write the raw and quarantine prefixes, send to the DLQ, log. Nothing more.
data "aws_iam_policy_document" "stream_processor" {
  statement {
    sid = "ReadSourceStreams"
    actions = [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
    ]
    resources = [for t in var.source_tables : t.stream_arn]
  }

  # ListStreams has no resource type (the IAM service reference lists none), so only "*" ever matches it. It
  # returns stream ARNs, never records; reading a stream needs the statement above.
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  statement {
    sid = "WriteRawAndQuarantinePrefixes"
    actions = [
      "s3:PutObject",
      "s3:GetObject",
      "s3:AbortMultipartUpload",
    ]
    resources = [for p in local.write_prefixes : "${aws_s3_bucket.analytics.arn}/${p}/*"]
  }

  statement {
    sid       = "ListRawAndQuarantinePrefixes"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.analytics.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for p in local.write_prefixes : [p, "${p}/*"]])
    }
  }

  statement {
    sid       = "SendFailedRangesToDlq"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
  }

  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.stream_processor.arn}:*"]
  }

  statement {
    sid = "WriteTraces"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
    ]
    resources = ["*"] # X-Ray has no resource-level permissions
  }
}

resource "aws_iam_role_policy" "stream_processor" {
  name   = "${local.function_name}-policy"
  role   = aws_iam_role.stream_processor.id
  policy = data.aws_iam_policy_document.stream_processor.json
}

resource "aws_lambda_function" "stream_processor" {
  #checkov:skip=CKV_AWS_116:Invoked by event source mappings; failed ranges go to their on-failure destination (the SQS DLQ), not an async DLQ
  #checkov:skip=CKV_AWS_117:Reaches only S3, DynamoDB Streams and SQS over their public endpoints; no VPC resources to protect
  #checkov:skip=CKV_AWS_115:Reserved concurrency would take from a new account's small pool; stream shards bound concurrency
  #checkov:skip=CKV_AWS_173:Environment holds no secrets (bucket URI, log settings)
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile outside this project's scope; packages are built reproducibly
  function_name    = local.function_name
  description      = "DynamoDB Streams (calls, scorecards) to the raw change log in S3"
  role             = aws_iam_role.stream_processor.arn
  runtime          = "python3.11"
  architectures    = [var.architecture]
  handler          = "lambdas.stream_processor.handler.lambda_handler"
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  layers           = [var.pyarrow_layer_arn]
  memory_size      = var.memory_size
  timeout          = var.timeout_seconds

  environment {
    variables = {
      PCA_LAKE_URI                 = "s3://${aws_s3_bucket.analytics.bucket}"
      POWERTOOLS_SERVICE_NAME      = "stream-processor"
      POWERTOOLS_METRICS_NAMESPACE = "PostCallAnalytics"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [
    aws_cloudwatch_log_group.stream_processor,
    aws_iam_role_policy.stream_processor,
  ]
}

resource "aws_lambda_event_source_mapping" "stream" {
  for_each = var.source_tables

  event_source_arn  = each.value.stream_arn
  function_name     = aws_lambda_function.stream_processor.arn
  starting_position = "TRIM_HORIZON"
  enabled           = true

  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.batching_window_seconds
  parallelization_factor             = 1
  function_response_types            = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error     = true
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.dlq.arn
    }
  }

  lifecycle {
    precondition {
      condition     = each.value.stream_arn != null && each.value.stream_arn != ""
      error_message = "Table ${each.value.table_name} has no stream: run scripts/enable-streams.sh, then terraform apply again."
    }
    precondition {
      condition     = each.value.stream_view_type == "NEW_AND_OLD_IMAGES"
      error_message = "Table ${each.value.table_name} streams ${coalesce(each.value.stream_view_type, "nothing")}; the raw change log needs NEW_AND_OLD_IMAGES (scripts/enable-streams.sh --force)."
    }
  }
}

# ── Raw Glue tables: one per source, partition projection on dt, no crawler ─────────────────────────────────

resource "aws_glue_catalog_database" "raw" {
  name        = local.raw_database
  description = "Raw change log of the source DynamoDB tables (append-only; written by ${local.function_name} and the backfill)."
}

resource "aws_glue_catalog_table" "raw" {
  for_each = var.source_tables

  name          = each.key
  database_name = aws_glue_catalog_database.raw.name
  description   = "Change log of DynamoDB table ${each.value.table_name}: one row per stream event or snapshot item."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL                      = "TRUE"
    classification                = "parquet"
    "parquet.compression"         = "SNAPPY"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.range"         = "${var.raw_projection_start},NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "storage.location.template"   = "s3://${aws_s3_bucket.analytics.bucket}/${each.key}/dt=$${dt}/"
  }

  partition_keys {
    name    = "dt"
    type    = "string"
    comment = "yyyy-MM-dd of event_at"
  }

  storage_descriptor {
    location      = "s3://${aws_s3_bucket.analytics.bucket}/${each.key}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    dynamic "columns" {
      for_each = local.raw_columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}
