# The Bedrock agent, its guardrail, the AthenaQueryExecutor action group and its Lambda
# (post-call-analytics-athena-executor), and an alias that callers use.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  region        = data.aws_region.current.region
  executor_name = "${var.name_prefix}-athena-executor"
  agent_name    = "${var.name_prefix}-agent"

  action_group = jsondecode(var.action_group_json)
  functions    = local.action_group.functionSchema.functions

  # A cross-region inference profile id starts with a geography ("us.", "eu.", "apac.", "global.", ...); a
  # region may call the profiles of its own geography (apac: the ap-* regions) and the global ones.
  uses_inference_profile = can(regex("^[a-z]{2,6}\\.[a-z0-9-]+\\.", var.foundation_model))
  profile_geography      = local.uses_inference_profile ? split(".", var.foundation_model)[0] : "none"
  profile_region_prefix  = lookup({ apac = "ap-" }, local.profile_geography, "${local.profile_geography}-")
  base_model_id          = local.uses_inference_profile ? join(".", slice(split(".", var.foundation_model), 1, length(split(".", var.foundation_model)))) : var.foundation_model
  model_resources = local.uses_inference_profile ? [
    "arn:${local.partition}:bedrock:${local.region}:${local.account_id}:inference-profile/${var.foundation_model}",
    "arn:${local.partition}:bedrock:*::foundation-model/${local.base_model_id}",
    ] : [
    "arn:${local.partition}:bedrock:${local.region}::foundation-model/${var.foundation_model}",
  ]

  # What the executor may read: only what the marts need. Athena checks the caller's access to every relation
  # a view reads, so the marts' chain is readable: the staging and intermediate views and the raw change log they
  # read (never the quarantine/ prefix). In view mode that includes all of dbt's data; with the scale switch
  # (the default) the marts read the current-state tables dbt keeps in the intermediate database plus the change
  # log written since the last merge, so dbt's data is narrowed to the intermediate database's. IAM cannot select
  # partitions by date, so the raw change log stays readable in both modes; the SQL guard confines queries to
  # the marts.
  staging_database      = "${var.curated_database_name}_staging"
  intermediate_database = "${var.curated_database_name}_intermediate"
  executor_databases = [
    var.curated_database_name, local.intermediate_database, local.staging_database, var.raw_database_name,
  ]
  executor_data_prefixes = var.marts_read_current_state_only ? concat(
    var.raw_table_prefixes, ["${var.dbt_data_prefix}/${local.intermediate_database}"],
  ) : concat(var.raw_table_prefixes, [var.dbt_data_prefix])

  glue_catalog_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  glue_readable = flatten([
    for db in local.executor_databases : [
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${db}",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${db}/*",
    ]
  ])

  promoter_name    = "${var.name_prefix}-agent-promoter"
  agent_alias_arns = "arn:${local.partition}:bedrock:${local.region}:${local.account_id}:agent-alias/${aws_bedrockagent_agent.main.agent_id}"
}

# ── Guardrail ──────────────────────────────────────────────────────────────────────────────────────────────

resource "aws_bedrock_guardrail" "main" {
  #checkov:skip=CKV_AWS_373:Encrypted with an AWS owned key; a customer key adds key policy work for no extra control here
  name                      = "${var.name_prefix}-guardrail"
  description               = "Blocks prompt attacks and harmful content; masks contact details and card numbers that transcripts may carry."
  blocked_input_messaging   = "Sorry, I can't help with that request. Ask about calls, agents, queues or QA scorecards."
  blocked_outputs_messaging = "Sorry, I can't show that answer."

  content_policy_config {
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
    filters_config {
      type            = "HATE"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
    filters_config {
      type            = "INSULTS"
      input_strength  = "MEDIUM"
      output_strength = "MEDIUM"
    }
    filters_config {
      type            = "SEXUAL"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
    filters_config {
      type            = "VIOLENCE"
      input_strength  = "MEDIUM"
      output_strength = "MEDIUM"
    }
    filters_config {
      type            = "MISCONDUCT"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
  }

  sensitive_information_policy_config {
    pii_entities_config {
      type   = "EMAIL"
      action = "ANONYMIZE"
    }
    pii_entities_config {
      type   = "PHONE"
      action = "ANONYMIZE"
    }
    pii_entities_config {
      type   = "CREDIT_DEBIT_CARD_NUMBER"
      action = "BLOCK"
    }
    pii_entities_config {
      type   = "US_SOCIAL_SECURITY_NUMBER"
      action = "BLOCK"
    }
  }
}

# A guardrail version is a snapshot: any change to the guardrail publishes a new one (and the agent and its
# alias follow). Older versions are kept so agent versions that still use them keep working.
resource "aws_bedrock_guardrail_version" "main" {
  guardrail_arn = aws_bedrock_guardrail.main.guardrail_arn
  description   = "Published by Terraform"
  skip_destroy  = true

  lifecycle {
    replace_triggered_by = [aws_bedrock_guardrail.main]
  }
}

# ── Agent role ─────────────────────────────────────────────────────────────────────────────────────────────

data "aws_iam_policy_document" "agent_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:bedrock:${local.region}:${local.account_id}:agent/*"]
    }
  }
}

resource "aws_iam_role" "agent" {
  name               = "${local.agent_name}-role"
  assume_role_policy = data.aws_iam_policy_document.agent_assume.json
}

data "aws_iam_policy_document" "agent" {
  statement {
    sid       = "InvokeOrchestrationModel"
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = local.model_resources
  }

  dynamic "statement" {
    for_each = local.uses_inference_profile ? [1] : []
    content {
      sid       = "ReadInferenceProfile"
      actions   = ["bedrock:GetInferenceProfile"]
      resources = [local.model_resources[0]]
    }
  }

  statement {
    sid       = "ApplyOwnGuardrail"
    actions   = ["bedrock:ApplyGuardrail"]
    resources = [aws_bedrock_guardrail.main.guardrail_arn]
  }
}

resource "aws_iam_role_policy" "agent" {
  name   = "${local.agent_name}-policy"
  role   = aws_iam_role.agent.id
  policy = data.aws_iam_policy_document.agent.json
}

# ── Executor Lambda ────────────────────────────────────────────────────────────────────────────────────────

resource "aws_cloudwatch_log_group" "executor" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer key adds cost without extra control here
  #checkov:skip=CKV_AWS_338:Operational logs; retention is the log_retention_days variable (30 days by default)
  name              = "/aws/lambda/${local.executor_name}"
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

resource "aws_iam_role" "executor" {
  name               = "${local.executor_name}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

# One workgroup, read-only Glue and S3 on what the marts read (see executor_databases), write results.
# No Glue create/update/delete and no S3 write outside the results prefix: CTAS, INSERT, DROP and UNLOAD fail
# here even if a statement got past the executor's SQL guard.
data "aws_iam_policy_document" "executor" {
  statement {
    sid = "RunQueriesInOneWorkgroup"
    actions = [
      "athena:StartQueryExecution",
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:StopQueryExecution",
      "athena:GetWorkGroup",
    ]
    resources = [var.workgroup_arn]
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
    resources = concat([local.glue_catalog_arn], local.glue_readable)
  }

  statement {
    sid       = "ReadMartData"
    actions   = ["s3:GetObject"]
    resources = [for p in local.executor_data_prefixes : "${var.analytics_bucket_arn}/${p}/*"]
  }

  statement {
    sid       = "ListMartData"
    actions   = ["s3:ListBucket"]
    resources = [var.analytics_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for p in local.executor_data_prefixes : [p, "${p}/*"]])
    }
  }

  statement {
    sid       = "LocateAnalyticsBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.analytics_bucket_arn]
  }

  statement {
    sid = "WriteQueryResults"
    actions = [
      "s3:PutObject",
      "s3:GetObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${var.results_bucket_arn}/${var.results_prefix}/*"]
  }

  statement {
    sid       = "ListQueryResults"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [var.results_bucket_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.executor.arn}:*"]
  }

  statement {
    sid       = "WriteTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray has no resource-level permissions
  }
}

resource "aws_iam_role_policy" "executor" {
  name   = "${local.executor_name}-policy"
  role   = aws_iam_role.executor.id
  policy = data.aws_iam_policy_document.executor.json
}

resource "aws_lambda_function" "executor" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the Bedrock agent; an async DLQ would never receive anything
  #checkov:skip=CKV_AWS_117:Reaches only Athena, Glue and S3 over their public endpoints; no VPC resources to protect
  #checkov:skip=CKV_AWS_115:Reserved concurrency would take from a new account's small pool; the agent and the 1 GB cutoff bound the load
  #checkov:skip=CKV_AWS_173:Environment holds no secrets (workgroup and database names)
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile outside this project's scope; packages are built reproducibly
  function_name    = local.executor_name
  description      = "AthenaQueryExecutor action group: runs guarded read-only SQL in the ${var.workgroup_name} workgroup"
  role             = aws_iam_role.executor.arn
  runtime          = "python3.11"
  architectures    = [var.architecture]
  handler          = "lambdas.athena_executor.handler.lambda_handler"
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  memory_size      = var.executor_memory_size
  timeout          = var.executor_timeout_seconds

  environment {
    variables = {
      PCA_QUERY_ENGINE             = "athena"
      PCA_ATHENA_WORKGROUP         = var.workgroup_name
      PCA_ATHENA_DATABASE          = var.curated_database_name
      PCA_QUERY_TIMEOUT_SECONDS    = tostring(var.executor_timeout_seconds - 10)
      POWERTOOLS_SERVICE_NAME      = "athena-executor"
      POWERTOOLS_METRICS_NAMESPACE = "PostCallAnalytics"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [
    aws_cloudwatch_log_group.executor,
    aws_iam_role_policy.executor,
  ]
}

# ── Agent, action group, alias ─────────────────────────────────────────────────────────────────────────────

resource "aws_bedrockagent_agent" "main" {
  #checkov:skip=CKV_AWS_373:Encrypted with an AWS owned key; a customer key adds key policy work for no extra control here
  agent_name                  = local.agent_name
  description                 = "Answers questions about calls and QA scorecards by querying the curated Athena models."
  agent_resource_role_arn     = aws_iam_role.agent.arn
  foundation_model            = var.foundation_model
  instruction                 = var.instruction
  idle_session_ttl_in_seconds = var.idle_session_ttl_seconds
  prepare_agent               = true

  # An attribute (a list of one object) in the provider's schema, not a nested block.
  guardrail_configuration = [{
    guardrail_identifier = aws_bedrock_guardrail.main.guardrail_id
    guardrail_version    = aws_bedrock_guardrail_version.main.version
  }]

  lifecycle {
    precondition {
      condition     = !local.uses_inference_profile || local.profile_geography == "global" || startswith(local.region, local.profile_region_prefix)
      error_message = "agent_foundation_model ${var.foundation_model} is an inference profile of another geography than ${local.region}: use this region's profile (us., eu., apac., ...) or a global. one."
    }
  }

  depends_on = [aws_iam_role_policy.agent]
}

resource "aws_lambda_permission" "agent_invokes_executor" {
  statement_id   = "AllowThisBedrockAgentOnly"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.executor.function_name
  principal      = "bedrock.amazonaws.com"
  source_arn     = aws_bedrockagent_agent.main.agent_arn
  source_account = local.account_id
}

resource "aws_bedrockagent_agent_action_group" "athena_query_executor" {
  action_group_name          = "AthenaQueryExecutor"
  description                = "Run one read-only SQL query against the curated Athena models."
  agent_id                   = aws_bedrockagent_agent.main.agent_id
  agent_version              = "DRAFT"
  action_group_state         = "ENABLED"
  skip_resource_in_use_check = true
  prepare_agent              = true

  action_group_executor {
    lambda = aws_lambda_function.executor.arn
  }

  function_schema {
    member_functions {
      dynamic "functions" {
        for_each = local.functions
        content {
          name        = functions.value.name
          description = try(functions.value.description, null)

          dynamic "parameters" {
            for_each = try(functions.value.parameters, {})
            content {
              map_block_key = parameters.key
              type          = parameters.value.type
              description   = try(parameters.value.description, null)
              required      = try(parameters.value.required, false)
            }
          }
        }
      }
    }
  }

  depends_on = [aws_lambda_permission.agent_invokes_executor]
}

# Callers' alias. Its id never changes: the agent promoter below moves it to a new version of the prepared draft.
resource "aws_bedrockagent_agent_alias" "live" {
  agent_alias_name = var.alias_name
  agent_id         = aws_bedrockagent_agent.main.agent_id
  description      = "Callers' alias; follows the prepared draft (${local.promoter_name})"

  depends_on = [aws_bedrockagent_agent_action_group.athena_query_executor]
}

# ── Agent promoter: keeps the alias on the latest prepared draft ───────────────────────────────────────────
# An agent version is made only when an alias is created or updated, so preparing the draft (the provider does
# it on every change, and the runbook's `prepare-agent` does it by hand) reaches callers only once the alias is
# updated. `terraform apply -target=module.bedrock_agent.aws_bedrockagent_agent.main` cannot include the alias
# (targets take their dependencies, never their dependents), so a scheduled function does it: within a minute of
# a preparation that changed what the agent does, `live` serves a new version of the draft.

resource "aws_cloudwatch_log_group" "promoter" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer key adds cost without extra control here
  #checkov:skip=CKV_AWS_338:Operational logs; retention is the log_retention_days variable (30 days by default)
  name              = "/aws/lambda/${local.promoter_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "promoter" {
  name               = "${local.promoter_name}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "promoter" {
  statement {
    sid = "ReadThisAgent"
    actions = [
      "bedrock:GetAgent",
      "bedrock:GetAgentVersion",
      "bedrock:ListAgentAliases",
      "bedrock:GetAgentAlias",
      "bedrock:ListAgentActionGroups",
      "bedrock:GetAgentActionGroup",
    ]
    resources = [aws_bedrockagent_agent.main.agent_arn, "${local.agent_alias_arns}/*"]
  }

  statement {
    sid       = "MoveThisAgentsAlias"
    actions   = ["bedrock:UpdateAgentAlias"]
    resources = [aws_bedrockagent_agent.main.agent_arn, "${local.agent_alias_arns}/*"]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.promoter.arn}:*"]
  }
}

resource "aws_iam_role_policy" "promoter" {
  name   = "${local.promoter_name}-policy"
  role   = aws_iam_role.promoter.id
  policy = data.aws_iam_policy_document.promoter.json
}

resource "aws_lambda_function" "promoter" {
  #checkov:skip=CKV_AWS_116:Invoked by EventBridge Scheduler every minute; a failed run is simply repeated by the next one
  #checkov:skip=CKV_AWS_117:Reaches only the Bedrock Agents API over its public endpoint; no VPC resources to protect
  #checkov:skip=CKV_AWS_115:One invocation a minute; reserved concurrency would take from a new account's small pool
  #checkov:skip=CKV_AWS_173:Environment holds no secrets (the agent id and alias name)
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile outside this project's scope; packages are built reproducibly
  #checkov:skip=CKV_AWS_50:A few API calls a minute; its log lines say what it did, tracing would add nothing
  function_name    = local.promoter_name
  description      = "Keeps the alias ${var.alias_name} of ${local.agent_name} on the latest prepared draft"
  role             = aws_iam_role.promoter.arn
  runtime          = "python3.11"
  architectures    = [var.architecture]
  handler          = "lambdas.agent_promoter.handler.lambda_handler"
  filename         = var.promoter_package_path
  source_code_hash = filebase64sha256(var.promoter_package_path)
  memory_size      = 128
  timeout          = 60

  environment {
    variables = {
      PCA_AGENT_ID         = aws_bedrockagent_agent.main.agent_id
      PCA_AGENT_ALIAS_NAME = var.alias_name
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.promoter,
    aws_iam_role_policy.promoter,
  ]
}

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

resource "aws_iam_role" "promoter_schedule" {
  name               = "${local.promoter_name}-schedule"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "promoter_schedule" {
  statement {
    sid       = "InvokeThePromoter"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.promoter.arn]
  }
}

resource "aws_iam_role_policy" "promoter_schedule" {
  name   = "${local.promoter_name}-schedule"
  role   = aws_iam_role.promoter_schedule.id
  policy = data.aws_iam_policy_document.promoter_schedule.json
}

resource "aws_scheduler_schedule" "promoter" {
  #checkov:skip=CKV_AWS_297:The schedule holds only the function ARN; AWS owned key encryption suffices
  name                = local.promoter_name
  description         = "Moves the alias ${var.alias_name} to a new version when the prepared draft changed"
  schedule_expression = var.promoter_schedule_expression

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.promoter.arn
    role_arn = aws_iam_role.promoter_schedule.arn

    retry_policy {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 60
    }
  }
}
