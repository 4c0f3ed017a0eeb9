variable "name_prefix" {
  description = "Prefix of every name."
  type        = string
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

variable "topic_kms_key_id" {
  description = "Customer managed KMS key for the alarm topic. CloudWatch cannot publish to a topic under the AWS managed SNS key, so null leaves the topic unencrypted."
  type        = string
  default     = null
}

variable "stream_processor_name" {
  description = "Name of the stream processor Lambda."
  type        = string
}

variable "stream_processor_service" {
  description = "Powertools service name of the stream processor: the `service` dimension of its metrics."
  type        = string
  default     = "stream-processor"
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' own metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "PostCallAnalytics"
}

variable "write_failures_threshold" {
  description = "Alarm when the stream processor has more failed S3 writes than this in 5 minutes."
  type        = number
  default     = 0
}

variable "records_quarantined_threshold" {
  description = "Alarm when more stream records than this are quarantined in 5 minutes."
  type        = number
  default     = 0
}

variable "executor_name" {
  description = "Name of the Athena executor Lambda."
  type        = string
}

variable "dlq_name" {
  description = "Name of the stream processor's DLQ."
  type        = string
}

variable "workgroup_name" {
  description = "Athena workgroup of the agent (dashboard)."
  type        = string
}

variable "dbt_build_project_name" {
  description = "CodeBuild project of the scheduled dbt build (dashboard)."
  type        = string
}

variable "stream_errors_threshold" {
  description = "Alarm when the stream processor has more errors than this in 5 minutes."
  type        = number
  default     = 5
}

variable "executor_p95_threshold_ms" {
  description = "Alarm when the executor's p95 duration over 5 minutes exceeds this (ms)."
  type        = number
  default     = 45000
}

variable "iterator_age_threshold_ms" {
  description = "Alarm when the stream processor's iterator age exceeds this (ms)."
  type        = number
  default     = 600000
}

variable "api_gateway_rest_api_name" {
  description = "Name of the chat API's REST API; when set, an alarm fires on its 5xx rate. Null until the API is deployed."
  type        = string
  default     = null
}

variable "api_gateway_stage_name" {
  description = "Stage of that REST API (null for all stages)."
  type        = string
  default     = null
}

variable "api_5xx_rate_threshold_ratio" {
  description = "Alarm when the API's 5xx share of requests over 5 minutes exceeds this (0.02 = 2%)."
  type        = number
  default     = 0.02
}

variable "merge_metrics_namespace" {
  description = "CloudWatch namespace where the dbt build publishes its current-state merges (CurrentStateMerges, LastMergeEpochSeconds)."
  type        = string
  default     = "PostCallAnalytics"
}

variable "merge_interval_minutes" {
  description = "Minutes between scheduled merges; the merge-age alarm fires after two intervals without one. Null when the build does not merge (scale switch off): no alarm."
  type        = number
  default     = null

  validation {
    condition     = var.merge_interval_minutes == null || try(var.merge_interval_minutes >= 1 && var.merge_interval_minutes <= 5040, false)
    error_message = "merge_interval_minutes must be null or between 1 and 5040."
  }
}

variable "bytes_scanned_cutoff" {
  description = "The analysts' workgroup per-query scan cutoff in bytes, drawn on the bytes-scanned widget."
  type        = number
  default     = 1073741824
}
