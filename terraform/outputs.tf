output "analytics_bucket_name" {
  description = "Bucket holding the raw change log (<table>/dt=…/), quarantine/ and the curated tables (curated/)."
  value       = module.data_pipeline.analytics_bucket_name
}

output "bedrock_agent_id" {
  description = "Bedrock agent id (aws bedrock-agent prepare-agent --agent-id …)."
  value       = module.bedrock_agent.agent_id
}

output "bedrock_agent_alias_id" {
  description = "Id of the agent alias that callers invoke."
  value       = module.bedrock_agent.agent_alias_id
}

output "athena_workgroup" {
  description = "Athena workgroup for the agent and analysts (1 GB per-query cutoff, enforced)."
  value       = module.analytics.workgroup_name
}

output "athena_dbt_workgroup" {
  description = "Athena workgroup of the scheduled dbt build."
  value       = module.analytics.dbt_workgroup_name
}

output "athena_results_bucket_name" {
  description = "Athena query results bucket (objects expire after 7 days)."
  value       = module.analytics.results_bucket_name
}

output "curated_database_name" {
  description = "Glue database of the curated dbt models."
  value       = module.analytics.curated_database_name
}

output "raw_database_name" {
  description = "Glue database of the raw change-log tables."
  value       = module.data_pipeline.raw_database_name
}

output "dlq_url" {
  description = "URL of the stream processor's dead-letter queue (scripts/redrive-dlq.sh reads it)."
  value       = module.data_pipeline.dlq_url
}

output "stream_processor_function_name" {
  description = "Name of the stream processor Lambda."
  value       = module.data_pipeline.stream_processor_function_name
}

output "athena_executor_function_name" {
  description = "Name of the Athena executor Lambda."
  value       = module.bedrock_agent.executor_function_name
}

output "dbt_build_project_name" {
  description = "CodeBuild project of the scheduled dbt build (scripts/run-crawlers.sh --codebuild starts it)."
  value       = module.orchestration.codebuild_project_name
}

output "alarm_topic_arn" {
  description = "SNS topic receiving alarms and failed dbt builds."
  value       = module.monitoring.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.monitoring.dashboard_name
}

output "transcribe_bucket_arn" {
  description = "The existing Transcribe output bucket (read only reference)."
  value       = data.aws_s3_bucket.transcribe.arn
}

output "api_url" {
  description = "Base URL of the chat API, ending in / (VITE_API_URL; the runbook Test 4 posts to its chat route)."
  value       = module.api.api_url
}

output "cognito_user_pool_id" {
  description = "Cognito user pool id (VITE_COGNITO_USER_POOL_ID; scripts/create-user.sh reads it)."
  value       = module.auth.user_pool_id
}

output "cognito_client_id" {
  description = "Cognito app client id of the chat site (VITE_COGNITO_CLIENT_ID)."
  value       = module.auth.client_id
}

output "cognito_hosted_ui_domain" {
  description = "Hosted UI domain prefix (<prefix>.auth.<region>.amazoncognito.com)."
  value       = module.auth.hosted_ui_domain
}

output "api_handler_function_name" {
  description = "Name of the chat API's Lambda."
  value       = module.api.function_name
}

output "conversations_table_name" {
  description = "DynamoDB table of chat conversations and feedback (pca feedback --table …)."
  value       = module.api.conversations_table_name
}

output "frontend_url" {
  description = "The chat site (CloudFront, or frontend_domain_name); also the Cognito callback and sign-out URL."
  value       = one(module.frontend[*].frontend_url)
}

output "frontend_distribution_id" {
  description = "CloudFront distribution of the chat site."
  value       = one(module.frontend[*].distribution_id)
}

output "frontend_distribution_domain_name" {
  description = "The distribution's *.cloudfront.net name (CNAME target for frontend_domain_name)."
  value       = one(module.frontend[*].distribution_domain_name)
}

output "frontend_bucket_name" {
  description = "Private bucket holding the built chat site."
  value       = one(module.frontend[*].bucket_name)
}
