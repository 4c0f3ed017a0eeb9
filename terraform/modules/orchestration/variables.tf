variable "name_prefix" {
  description = "Prefix of every name (the build project is <prefix>-dbt-build)."
  type        = string
}

variable "source_bundle_path" {
  description = "Path of dbt_build.zip (the dbt project and orchestration/buildspec.yml) built by lambdas/build.sh."
  type        = string
}

variable "artifacts_bucket_name" {
  description = "Bucket the build's source bundle is uploaded to (under deploy/)."
  type        = string
}

variable "artifacts_bucket_arn" {
  description = "ARN of that bucket (the analytics bucket)."
  type        = string
}

variable "curated_prefix" {
  description = "Key prefix under which dbt stores the curated tables."
  type        = string
}

variable "raw_prefixes" {
  description = "Key prefixes of the raw change log and quarantine: the build may read but never write or delete them."
  type        = list(string)
}

variable "curated_database_name" {
  description = "Glue database the build creates and replaces models in."
  type        = string
}

variable "raw_database_name" {
  description = "Glue database of the raw change log (read only for the build)."
  type        = string
}

variable "dbt_workgroup_name" {
  description = "Athena workgroup the build runs in."
  type        = string
}

variable "dbt_workgroup_arn" {
  description = "ARN of that workgroup."
  type        = string
}

variable "results_bucket_name" {
  description = "Athena results bucket."
  type        = string
}

variable "results_bucket_arn" {
  description = "ARN of the Athena results bucket."
  type        = string
}

variable "dbt_results_prefix" {
  description = "Key prefix of dbt's query results in the results bucket."
  type        = string
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression for the build."
  type        = string
  default     = "cron(15 5 * * ? *)"

  validation {
    condition     = can(regex("^(cron|rate|at)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be cron(...), rate(...) or at(...)."
  }
}

variable "schedule_timezone" {
  description = "Time zone of the schedule."
  type        = string
  default     = "UTC"
}

variable "schedule_enabled" {
  description = "Whether the schedule is on."
  type        = bool
  default     = true
}

variable "notification_topic_arn" {
  description = "SNS topic told when a build fails, stops or times out."
  type        = string
}

variable "build_timeout_minutes" {
  description = "Build timeout."
  type        = number
  default     = 60
}

variable "log_retention_days" {
  description = "Retention of the build's log group."
  type        = number
  default     = 30
}

variable "dbt_version_spec" {
  description = "pip requirement specifiers the build installs."
  type        = list(string)
  default     = ["dbt-core~=1.11.0", "dbt-athena-community~=1.11.0"]
}

variable "materialize_current_state" {
  description = "The dbt scale switch: true keeps each source table's current state in an Iceberg table merged incrementally by every build, so questions scan the typed current state plus the changes since the last merge instead of the whole JSON change log."
  type        = bool
  default     = true
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics a successful merge publishes (CurrentStateMerges, LastMergeEpochSeconds)."
  type        = string
  default     = "PostCallAnalytics"
}
