output "curated_database_name" {
  description = "Glue database of the curated models (post_call_analytics)."
  value       = aws_glue_catalog_database.curated.name
}

output "curated_prefix" {
  description = "Key prefix in the analytics bucket under which dbt stores curated tables."
  value       = local.curated_prefix
}

output "workgroup_name" {
  description = "Athena workgroup for the agent and analysts."
  value       = aws_athena_workgroup.main.name
}

output "workgroup_arn" {
  description = "ARN of the agent and analysts' workgroup."
  value       = aws_athena_workgroup.main.arn
}

output "workgroup_results_prefix" {
  description = "Key prefix in the results bucket for the main workgroup's results."
  value       = local.workgroup_prefix
}

output "dbt_workgroup_name" {
  description = "Athena workgroup of the scheduled dbt build."
  value       = aws_athena_workgroup.dbt.name
}

output "dbt_workgroup_arn" {
  description = "ARN of the dbt build's workgroup."
  value       = aws_athena_workgroup.dbt.arn
}

output "dbt_results_prefix" {
  description = "Key prefix in the results bucket for dbt's query results (its s3_staging_dir)."
  value       = local.dbt_prefix
}

output "results_bucket_name" {
  description = "Athena query results bucket (objects expire after 7 days)."
  value       = aws_s3_bucket.results.bucket
}

output "results_bucket_arn" {
  description = "ARN of the Athena query results bucket."
  value       = aws_s3_bucket.results.arn
}
