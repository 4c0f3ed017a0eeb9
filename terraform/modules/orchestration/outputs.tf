output "codebuild_project_name" {
  description = "CodeBuild project that runs dbt build on the athena target."
  value       = aws_codebuild_project.dbt_build.name
}

output "codebuild_role_arn" {
  description = "Role of the dbt build."
  value       = aws_iam_role.build.arn
}

output "schedule_name" {
  description = "EventBridge Scheduler schedule of the build."
  value       = aws_scheduler_schedule.dbt_build.name
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the merge metrics the build publishes."
  value       = var.metrics_namespace
}
