output "analytics_bucket_name" {
  description = "Name of the analytics bucket (raw change log under <table>/, quarantine/, curated/)."
  value       = aws_s3_bucket.analytics.bucket
}

output "analytics_bucket_arn" {
  description = "ARN of the analytics bucket."
  value       = aws_s3_bucket.analytics.arn
}

output "raw_prefixes" {
  description = "Key prefixes written by the stream processor and the backfill (one per source table, plus quarantine)."
  value       = local.write_prefixes
}

output "raw_database_name" {
  description = "Glue database of the raw change-log tables."
  value       = aws_glue_catalog_database.raw.name
}

output "raw_table_names" {
  description = "Raw Glue table per source."
  value       = { for k, t in aws_glue_catalog_table.raw : k => t.name }
}

output "stream_processor_function_name" {
  description = "Name of the stream processor Lambda function."
  value       = aws_lambda_function.stream_processor.function_name
}

output "stream_processor_function_arn" {
  description = "ARN of the stream processor Lambda function."
  value       = aws_lambda_function.stream_processor.arn
}

output "event_source_mapping_uuids" {
  description = "Event source mapping per source table."
  value       = { for k, m in aws_lambda_event_source_mapping.stream : k => m.uuid }
}

output "dlq_name" {
  description = "Name of the stream processor's dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_url" {
  description = "URL of the stream processor's dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the stream processor's dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}
