# Root module: reads the existing system, wires the modules. Modules never reach into each other; everything
# one needs from another passes through here.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# ── The existing system: data sources only. Nothing in this project can modify or delete these. ──────────────

data "aws_dynamodb_table" "calls" {
  name = var.calls_table_name
}

data "aws_dynamodb_table" "scorecards" {
  name = var.scorecards_table_name
}

data "aws_s3_bucket" "transcribe" {
  bucket = var.existing_transcribe_bucket
}

# AWS's managed "AWS SDK for pandas" layer (pyarrow, pandas) for the region and the functions' architecture, from
# its public SSM parameter.
data "aws_ssm_parameter" "aws_sdk_pandas_layer" {
  count = var.aws_sdk_pandas_layer_arn == null ? 1 : 0
  name  = "/aws/service/aws-sdk-pandas/${var.aws_sdk_pandas_version}/py3.11/${var.lambda_architecture}/layer-arn"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  packages_dir = startswith(var.lambda_packages_dir, "/") ? var.lambda_packages_dir : "${path.root}/${var.lambda_packages_dir}"

  pyarrow_layer_arn = coalesce(var.aws_sdk_pandas_layer_arn, one(data.aws_ssm_parameter.aws_sdk_pandas_layer[*].insecure_value))

  source_streams = {
    calls      = data.aws_dynamodb_table.calls
    scorecards = data.aws_dynamodb_table.scorecards
  }

  # Globally unique, predictable bucket names (at most 63 characters with a 24-character prefix).
  analytics_bucket_name = "${var.name_prefix}-lake-${local.account_id}-${var.aws_region}"
  results_bucket_name   = "${var.name_prefix}-ath-${local.account_id}-${var.aws_region}"

  # The chat site: its origin is the only one CORS allows; sign-in returns to it or to local development.
  # It is chat_site_url when set, else the CloudFront site module.frontend deploys, else local development only.
  site_url    = var.chat_site_url != null ? var.chat_site_url : var.deploy_frontend ? one(module.frontend[*].frontend_url) : null
  site_origin = local.site_url == null ? "http://localhost:5173" : trimsuffix(local.site_url, "/")
  site_urls   = distinct(compact([local.site_url == null ? null : "${local.site_origin}/", "http://localhost:5173/"]))

  site_bucket_name  = "${var.name_prefix}-site-${local.account_id}-${var.aws_region}"
  frontend_dist_dir = startswith(var.frontend_dist_dir, "/") ? var.frontend_dist_dir : "${path.root}/${var.frontend_dist_dir}"
}

# ── Pipeline: streams → stream_processor → raw change log (+ DLQ) ────────────────────────────────────────────

module "data_pipeline" {
  source = "./modules/data_pipeline"

  name_prefix           = var.name_prefix
  analytics_bucket_name = local.analytics_bucket_name
  force_destroy         = var.destroy_lake_with_stack
  source_tables = {
    for table, t in local.source_streams : table => {
      table_name       = t.name
      stream_arn       = t.stream_arn
      stream_view_type = t.stream_view_type
    }
  }
  package_path                  = "${local.packages_dir}/stream_processor.zip"
  architecture                  = var.lambda_architecture
  pyarrow_layer_arn             = local.pyarrow_layer_arn
  log_retention_days            = var.log_retention_days
  batch_size                    = var.stream_batch_size
  batching_window_seconds       = var.stream_batching_window_seconds
  maximum_retry_attempts        = var.stream_maximum_retry_attempts
  maximum_record_age_in_seconds = var.stream_maximum_record_age_seconds
}

# ── Curated schema: Glue database for the dbt models, Athena workgroups and results bucket ──────────────────

module "analytics" {
  source = "./modules/analytics"

  name_prefix              = var.name_prefix
  results_bucket_name      = local.results_bucket_name
  analytics_bucket_name    = module.data_pipeline.analytics_bucket_name
  bytes_scanned_cutoff     = var.athena_bytes_scanned_cutoff
  dbt_bytes_scanned_cutoff = var.dbt_bytes_scanned_cutoff
}

# ── Agent: Bedrock agent + AthenaQueryExecutor action group ────────────────────────────────────────────────

module "bedrock_agent" {
  source = "./modules/bedrock_agent"

  name_prefix           = var.name_prefix
  foundation_model      = var.agent_foundation_model
  instruction           = file("${path.root}/${var.agent_instruction_file}")
  action_group_json     = file("${path.root}/${var.agent_action_group_file}")
  package_path          = "${local.packages_dir}/athena_executor.zip"
  promoter_package_path = "${local.packages_dir}/agent_promoter.zip"
  architecture          = var.lambda_architecture
  log_retention_days    = var.log_retention_days

  workgroup_name        = module.analytics.workgroup_name
  workgroup_arn         = module.analytics.workgroup_arn
  curated_database_name = module.analytics.curated_database_name
  raw_database_name     = module.data_pipeline.raw_database_name
  analytics_bucket_arn  = module.data_pipeline.analytics_bucket_arn
  results_bucket_arn    = module.analytics.results_bucket_arn
  results_prefix        = module.analytics.workgroup_results_prefix

  raw_table_prefixes            = keys(module.data_pipeline.raw_table_names)
  marts_read_current_state_only = var.dbt_materialize_current_state
}

# ── Scheduled dbt build on the athena target ───────────────────────────────────────────────────────────────

module "orchestration" {
  source = "./modules/orchestration"

  name_prefix               = var.name_prefix
  source_bundle_path        = "${local.packages_dir}/dbt_build.zip"
  artifacts_bucket_name     = module.data_pipeline.analytics_bucket_name
  artifacts_bucket_arn      = module.data_pipeline.analytics_bucket_arn
  curated_prefix            = module.analytics.curated_prefix
  raw_prefixes              = module.data_pipeline.raw_prefixes
  curated_database_name     = module.analytics.curated_database_name
  raw_database_name         = module.data_pipeline.raw_database_name
  dbt_workgroup_name        = module.analytics.dbt_workgroup_name
  dbt_workgroup_arn         = module.analytics.dbt_workgroup_arn
  results_bucket_name       = module.analytics.results_bucket_name
  results_bucket_arn        = module.analytics.results_bucket_arn
  dbt_results_prefix        = module.analytics.dbt_results_prefix
  schedule_expression       = var.dbt_schedule_expression
  schedule_timezone         = var.dbt_schedule_timezone
  materialize_current_state = var.dbt_materialize_current_state
  notification_topic_arn    = module.monitoring.alarm_topic_arn
  log_retention_days        = var.log_retention_days
}

# ── Alarms, dashboard, alarm topic ─────────────────────────────────────────────────────────────────────────

module "monitoring" {
  source = "./modules/monitoring"

  name_prefix                  = var.name_prefix
  alarm_email                  = var.alarm_email
  stream_processor_name        = module.data_pipeline.stream_processor_function_name
  executor_name                = module.bedrock_agent.executor_function_name
  dlq_name                     = module.data_pipeline.dlq_name
  stream_errors_threshold      = var.stream_processor_error_threshold
  executor_p95_threshold_ms    = var.executor_p95_duration_threshold_ms
  iterator_age_threshold_ms    = var.stream_iterator_age_threshold_ms
  workgroup_name               = module.analytics.workgroup_name
  dbt_build_project_name       = module.orchestration.codebuild_project_name
  merge_metrics_namespace      = module.orchestration.metrics_namespace
  bytes_scanned_cutoff         = var.athena_bytes_scanned_cutoff
  merge_interval_minutes       = var.dbt_materialize_current_state ? var.dbt_schedule_interval_minutes : null
  api_gateway_rest_api_name    = module.api.rest_api_name
  api_gateway_stage_name       = module.api.stage_name
  api_5xx_rate_threshold_ratio = 0.02
}

# ── Chat: sign-in (Cognito) and the API (API Gateway → api_handler, conversations table) ─────────────────────

module "auth" {
  source = "./modules/auth"

  name_prefix       = var.name_prefix
  domain_prefix     = coalesce(var.cognito_domain_prefix, "${var.name_prefix}-${local.account_id}")
  callback_urls     = local.site_urls
  logout_urls       = local.site_urls
  mfa_configuration = var.cognito_mfa_configuration
}

module "api" {
  source = "./modules/api"

  name_prefix              = var.name_prefix
  package_path             = "${local.packages_dir}/api_handler.zip"
  pyarrow_layer_arn        = local.pyarrow_layer_arn
  user_pool_arn            = module.auth.user_pool_arn
  allowed_origin           = local.site_origin
  agent_id                 = module.bedrock_agent.agent_id
  agent_alias_id           = module.bedrock_agent.agent_alias_id
  agent_alias_arn          = module.bedrock_agent.agent_alias_arn
  workgroup_name           = module.analytics.workgroup_name
  workgroup_arn            = module.analytics.workgroup_arn
  curated_database_name    = module.analytics.curated_database_name
  analytics_bucket_arn     = module.data_pipeline.analytics_bucket_arn
  results_bucket_arn       = module.analytics.results_bucket_arn
  results_prefix           = module.analytics.workgroup_results_prefix
  transcribe_bucket_name   = data.aws_s3_bucket.transcribe.bucket
  transcribe_bucket_arn    = data.aws_s3_bucket.transcribe.arn
  transcribe_prefix        = var.transcribe_output_prefix
  user_requests_per_minute = var.api_user_requests_per_minute
  log_retention_days       = var.log_retention_days
}

# ── Chat site: private bucket + CloudFront; config.json from the API and auth outputs ──────────────────────
# `terraform apply -target=module.frontend` publishes a rebuilt frontend/dist. Its URL is the API's CORS origin
# and the Cognito client's callback and sign-out URL (local.site_urls above).

module "frontend" {
  source = "./modules/frontend"
  count  = var.deploy_frontend ? 1 : 0

  name_prefix          = var.name_prefix
  bucket_name          = local.site_bucket_name
  dist_dir             = local.frontend_dist_dir
  api_url              = module.api.api_url
  cognito_user_pool_id = module.auth.user_pool_id
  cognito_client_id    = module.auth.client_id
  extra_connect_src    = var.frontend_extra_connect_src
  domain_name          = var.frontend_domain_name
  acm_certificate_arn  = var.frontend_acm_certificate_arn
  price_class          = var.frontend_price_class
}
