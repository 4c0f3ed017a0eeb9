output "alarm_topic_arn" {
  description = "SNS topic that receives every alarm and failed dbt build."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of the alarms."
  value = concat(
    [
      aws_cloudwatch_metric_alarm.stream_processor_errors.alarm_name,
      aws_cloudwatch_metric_alarm.stream_iterator_age.alarm_name,
      aws_cloudwatch_metric_alarm.dlq_depth.alarm_name,
      aws_cloudwatch_metric_alarm.executor_p95_duration.alarm_name,
      aws_cloudwatch_metric_alarm.bedrock_throttling.alarm_name,
    ],
    aws_cloudwatch_metric_alarm.api_5xx_rate[*].alarm_name,
  )
}

output "dashboard_name" {
  description = "CloudWatch dashboard with the alarms' metrics."
  value       = aws_cloudwatch_dashboard.main.dashboard_name
}
