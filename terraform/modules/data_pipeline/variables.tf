variable "name_prefix" {
  description = "Prefix of every name (the runbook assumes post-call-analytics)."
  type        = string
}

variable "analytics_bucket_name" {
  description = "Name of the analytics bucket to create (raw change log, quarantine, curated tables)."
  type        = string

  validation {
    condition     = length(var.analytics_bucket_name) <= 63
    error_message = "S3 bucket names are at most 63 characters."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete the analytics bucket with every object in it (the lake). Keep false unless you mean to drop the data."
  type        = bool
  default     = false
}

variable "source_tables" {
  description = "The existing DynamoDB tables whose streams feed the lake, keyed by source name (calls, scorecards): the table's real name, its stream ARN and view type."
  type = map(object({
    table_name       = string
    stream_arn       = string
    stream_view_type = string
  }))

  validation {
    condition     = alltrue([for k in keys(var.source_tables) : can(regex("^[a-z_]+$", k))])
    error_message = "source_tables keys name the raw Glue tables and S3 prefixes: lowercase letters and '_' only."
  }
}

variable "package_path" {
  description = "Path of stream_processor.zip built by lambdas/build.sh."
  type        = string
}

variable "architecture" {
  description = "Lambda instruction set (arm64 or x86_64); the package and the pyarrow layer must be built for it."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "pyarrow_layer_arn" {
  description = "Lambda layer that provides pyarrow (AWS SDK for pandas)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30
}

variable "memory_size" {
  description = "Memory of the stream processor in MB."
  type        = number
  default     = 1024
}

variable "timeout_seconds" {
  description = "Timeout of the stream processor."
  type        = number
  default     = 120
}

variable "batch_size" {
  description = "Records per invocation."
  type        = number
  default     = 100
}

variable "batching_window_seconds" {
  description = "Maximum batching window in seconds."
  type        = number
  default     = 10

  validation {
    condition     = var.batching_window_seconds >= 0 && var.batching_window_seconds <= 300
    error_message = "batching_window_seconds must be between 0 and 300."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before it goes to the DLQ."
  type        = number
  default     = 3

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10
    error_message = "maximum_retry_attempts must be finite: between 0 and 10."
  }
}

variable "maximum_record_age_in_seconds" {
  description = "Records older than this go to the DLQ."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 21600
    error_message = "maximum_record_age_in_seconds must be between 60 and 21600."
  }
}

variable "dlq_retention_seconds" {
  description = "How long a failed range waits in the DLQ (the SQS maximum, 14 days)."
  type        = number
  default     = 1209600
}

variable "raw_projection_start" {
  description = "First day (yyyy-MM-dd) the raw tables' partition projection covers."
  type        = string
  default     = "2020-01-01"

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.raw_projection_start))
    error_message = "raw_projection_start must be a date yyyy-MM-dd."
  }
}
