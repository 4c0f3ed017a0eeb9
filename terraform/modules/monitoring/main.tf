# Alarm topic, the runbook's alarms (plus DLQ depth and stream iterator age), and a dashboard of the same
# metrics.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  alarm_arns = [aws_sns_topic.alarms.arn]
  # Every alarm and event rule of this project is named <name_prefix>-…; only those may publish.
  own_alarms = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name_prefix}-*"
  own_rules  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name_prefix}-*"
  api_alarm  = var.api_gateway_rest_api_name != null
  # the build merges the current state on a schedule (scale switch on)
  merge_alarm = var.merge_interval_minutes != null
  api_dimensions = merge(
    { ApiName = coalesce(var.api_gateway_rest_api_name, "none") },
    var.api_gateway_stage_name == null ? {} : { Stage = var.api_gateway_stage_name },
  )
  # Bedrock Agents publishes these per operation (and per operation and model); this project runs one agent.
  agent_dimensions = { Operation = "InvokeAgent" }
}

resource "aws_sns_topic" "alarms" {
  #checkov:skip=CKV_AWS_26:CloudWatch alarms cannot publish to a topic under the AWS managed SNS key; pass topic_kms_key_id (a customer key) to encrypt
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.topic_kms_key_id
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "ThisProjectsAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.own_alarms]
    }
  }

  statement {
    sid       = "ThisProjectsEventRulesPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.own_rules]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

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

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.alarm_email == null ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ── Alarms ─────────────────────────────────────────────────────────────────────────────────────────────────

resource "aws_cloudwatch_metric_alarm" "stream_processor_errors" {
  alarm_name          = "${var.stream_processor_name}-errors"
  alarm_description   = "Stream processor errors > ${var.stream_errors_threshold} in 5 minutes. Check the DLQ, fix, then scripts/redrive-dlq.sh."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.stream_processor_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.stream_errors_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

# The stream processor's own metrics (Powertools Metrics: namespace PostCallAnalytics, dimension service). A failed
# write is reported back to Lambda as a partial batch response, which Lambda's Errors metric does not count, so it
# gets its own alarm; so do quarantined records, which no retry will ever fix.
resource "aws_cloudwatch_metric_alarm" "stream_write_failures" {
  alarm_name          = "${var.stream_processor_name}-write-failures"
  alarm_description   = "The stream processor could not write Parquet or quarantine objects to S3; Lambda is retrying those records. Check the function's ERROR logs (\"write failed\"), S3 permissions and throttling; if the range reaches the DLQ, fix and run scripts/redrive-dlq.sh."
  namespace           = var.metrics_namespace
  metric_name         = "WriteFailures"
  dimensions          = { service = var.stream_processor_service }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.write_failures_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

resource "aws_cloudwatch_metric_alarm" "stream_records_quarantined" {
  alarm_name          = "${var.stream_processor_name}-records-quarantined"
  alarm_description   = "Stream records could not be decoded and were kept under quarantine/ in the analytics bucket with the reason. Read the newest quarantine/<table>/dt=<day>/*.jsonl, fix the cause, and replay the records if they matter."
  namespace           = var.metrics_namespace
  metric_name         = "RecordsQuarantined"
  dimensions          = { service = var.stream_processor_service }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.records_quarantined_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

resource "aws_cloudwatch_metric_alarm" "stream_iterator_age" {
  alarm_name          = "${var.stream_processor_name}-iterator-age"
  alarm_description   = "The stream processor is more than ${var.iterator_age_threshold_ms / 60000} minutes behind its streams (records expire after 24 h)."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = var.stream_processor_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.iterator_age_threshold_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  alarm_name          = "${var.dlq_name}-not-empty"
  alarm_description   = "Failed stream ranges are waiting in the DLQ. Fix the cause, then run scripts/redrive-dlq.sh within 24 h."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dlq_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

resource "aws_cloudwatch_metric_alarm" "executor_p95_duration" {
  alarm_name          = "${var.executor_name}-p95-duration"
  alarm_description   = "Athena executor p95 duration > ${var.executor_p95_threshold_ms / 1000} s. Queries may be too broad: check the agent instruction."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = var.executor_name }
  extended_statistic  = "p95"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.executor_p95_threshold_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

resource "aws_cloudwatch_metric_alarm" "bedrock_throttling" {
  alarm_name          = "${var.name_prefix}-bedrock-throttling"
  alarm_description   = "Bedrock throttled the agent or its model. Check the Bedrock service quotas."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns

  metric_query {
    id          = "throttles"
    expression  = "FILL(agent, 0) + FILL(model, 0)"
    label       = "Throttled agent and model invocations"
    return_data = true
  }

  metric_query {
    id = "agent"
    metric {
      namespace   = "AWS/Bedrock/Agents"
      metric_name = "InvocationThrottles"
      dimensions  = local.agent_dimensions
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "model"
    metric {
      namespace   = "AWS/Bedrock/Agents"
      metric_name = "ModelInvocationThrottles"
      dimensions  = local.agent_dimensions
      stat        = "Sum"
      period      = 300
    }
  }
}

# Slot for the chat API (a later change): fires when 5xx responses exceed the threshold share of requests.
resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  count = local.api_alarm ? 1 : 0

  alarm_name          = "${var.name_prefix}-api-5xx-rate"
  alarm_description   = "API Gateway 5xx > ${var.api_5xx_rate_threshold_ratio * 100}% of requests. Check the API handler logs."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = local.api_dimensions
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.api_5xx_rate_threshold_ratio
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

# Heartbeat: each successful merge publishes CurrentStateMerges = 1. Two schedule intervals without one (missing
# data counts as breaching) mean answers lean on an ever longer tail of the change log, and their scans grow.
resource "aws_cloudwatch_metric_alarm" "current_state_merge_age" {
  count               = local.merge_alarm ? 1 : 0
  alarm_name          = "${var.name_prefix}-current-state-merge-age"
  alarm_description   = "No successful dbt merge of the current state for two schedule intervals (${coalesce(var.merge_interval_minutes, 0) * 2} min): questions scan more of the change log each hour. Check the ${var.dbt_build_project_name} builds; re-run with bash scripts/run-crawlers.sh --codebuild."
  namespace           = var.merge_metrics_namespace
  metric_name         = "CurrentStateMerges"
  dimensions          = { ProjectName = var.dbt_build_project_name }
  statistic           = "Sum"
  period              = coalesce(var.merge_interval_minutes, 1) * 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_arns
  ok_actions          = local.alarm_arns
}

# ── Dashboard ──────────────────────────────────────────────────────────────────────────────────────────────

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({
    widgets = concat([
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Stream processor errors (alarm > ${var.stream_errors_threshold} / 5 min)"
          region  = local.region
          stat    = "Sum"
          period  = 300
          metrics = [["AWS/Lambda", "Errors", "FunctionName", var.stream_processor_name], [".", "Invocations", ".", "."]]
          annotations = {
            horizontal = [{ label = "alarm", value = var.stream_errors_threshold }]
          }
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title   = "Stream iterator age (ms)"
          region  = local.region
          stat    = "Maximum"
          period  = 300
          metrics = [["AWS/Lambda", "IteratorAge", "FunctionName", var.stream_processor_name]]
          annotations = {
            horizontal = [{ label = "alarm", value = var.iterator_age_threshold_ms }]
          }
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title   = "DLQ depth (failed stream ranges)"
          region  = local.region
          stat    = "Maximum"
          period  = 300
          metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name]]
        }
      },
      {
        type = "metric", x = 0, y = 24, width = 12, height = 6
        properties = {
          title  = "Stream processor write failures and quarantined records"
          region = local.region
          stat   = "Sum"
          period = 300
          metrics = [
            [var.metrics_namespace, "WriteFailures", "service", var.stream_processor_service],
            [".", "RecordsNotWritten", ".", "."],
            [".", "RecordsQuarantined", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "Athena executor duration (alarm p95 > ${var.executor_p95_threshold_ms / 1000} s)"
          region = local.region
          period = 300
          metrics = [
            ["AWS/Lambda", "Duration", "FunctionName", var.executor_name, { stat = "p95" }],
            [".", ".", ".", ".", { stat = "p50" }],
          ]
          annotations = {
            horizontal = [{ label = "alarm", value = var.executor_p95_threshold_ms }]
          }
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "Bedrock agent throttling"
          region = local.region
          stat   = "Sum"
          period = 300
          metrics = [
            ["AWS/Bedrock/Agents", "InvocationThrottles", "Operation", "InvokeAgent"],
            [".", "ModelInvocationThrottles", ".", "."],
            [".", "InvocationCount", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title  = "Athena bytes scanned per query (workgroup ${var.workgroup_name}; cutoff ${var.bytes_scanned_cutoff} bytes)"
          region = local.region
          period = 300
          metrics = [
            ["AWS/Athena", "ProcessedBytes", "WorkGroup", var.workgroup_name, "QueryState", "SUCCEEDED", "QueryType", "DML", { stat = "Maximum", label = "largest query" }],
            ["...", { stat = "Average", label = "average query" }],
            ["...", { stat = "SampleCount", label = "queries", yAxis = "right" }],
          ]
          annotations = {
            horizontal = [{ label = "per-query cutoff", value = var.bytes_scanned_cutoff }]
          }
        }
      },
      {
        type = "metric", x = 0, y = 24, width = 12, height = 6
        properties = {
          title  = "Minutes since the last current-state merge (alarm after two schedule intervals)"
          region = local.region
          period = 300
          metrics = [
            [{ expression = "(EPOCH(FILL(merged, REPEAT)) - FILL(merged, REPEAT)) / 60", label = "minutes since the last merge", id = "age" }],
            [var.merge_metrics_namespace, "LastMergeEpochSeconds", "ProjectName", var.dbt_build_project_name, { id = "merged", stat = "Maximum", visible = false }],
          ]
          annotations = {
            horizontal = local.merge_alarm ? [{ label = "alarm", value = 2 * var.merge_interval_minutes }] : []
          }
        }
      },
      {
        type = "metric", x = 0, y = 18, width = 12, height = 6
        properties = {
          title  = "Scheduled dbt build"
          region = local.region
          stat   = "Sum"
          period = 3600
          metrics = [
            ["AWS/CodeBuild", "SucceededBuilds", "ProjectName", var.dbt_build_project_name],
            [".", "FailedBuilds", ".", "."],
          ]
        }
      },
      ],
      local.api_alarm ? [
        {
          type = "metric", x = 12, y = 18, width = 12, height = 6
          properties = {
            title   = "API 5xx rate"
            region  = local.region
            stat    = "Average"
            period  = 300
            metrics = [concat(["AWS/ApiGateway", "5XXError"], flatten([for k, v in local.api_dimensions : [k, v]]))]
          }
        },
    ] : [])
  })
}
