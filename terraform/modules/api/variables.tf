variable "name_prefix" {
  description = "Prefix of every name this module creates (the function is <prefix>-api-handler)."
  type        = string
}

variable "package_path" {
  description = "Path of api_handler.zip (bash lambdas/build.sh)."
  type        = string
}

variable "pyarrow_layer_arn" {
  description = "Layer providing pyarrow for Python 3.11 x86_64 (the AWS SDK for pandas layer)."
  type        = string
}

variable "user_pool_arn" {
  description = "Cognito user pool whose id tokens the authorizer accepts."
  type        = string
}

variable "allowed_origin" {
  description = "The chat site's origin (scheme://host[:port]), the only origin CORS allows."
  type        = string

  validation {
    condition     = can(regex("^https?://[^/]+$", var.allowed_origin))
    error_message = "allowed_origin is an origin: scheme://host[:port], no path or trailing slash."
  }
}

variable "agent_id" {
  description = "Bedrock agent id."
  type        = string
}

variable "agent_alias_id" {
  description = "Id of the agent alias the API invokes."
  type        = string
}

variable "agent_alias_arn" {
  description = "ARN of that alias (the only one the function may invoke)."
  type        = string
}

variable "workgroup_name" {
  description = "Athena workgroup the verified queries run in."
  type        = string
}

variable "workgroup_arn" {
  description = "ARN of that workgroup."
  type        = string
}

variable "curated_database_name" {
  description = "Glue database of the curated marts."
  type        = string
}

variable "analytics_bucket_arn" {
  description = "Bucket holding the curated tables' data (read only)."
  type        = string
}

variable "results_bucket_arn" {
  description = "Athena results bucket."
  type        = string
}

variable "results_prefix" {
  description = "Prefix of the workgroup's results in that bucket."
  type        = string
}

variable "transcribe_bucket_name" {
  description = "The existing Transcribe output bucket (read only)."
  type        = string
}

variable "transcribe_bucket_arn" {
  description = "ARN of that bucket."
  type        = string
}

variable "transcribe_prefix" {
  description = "Prefix of Transcribe Call Analytics output in that bucket (GetObject is limited to it)."
  type        = string
  default     = "analytics/"
}

variable "stage_name" {
  description = "API Gateway stage name (part of api_url)."
  type        = string
  default     = "prod"
}

variable "throttling_rate_limit" {
  description = "Steady requests per second across the API."
  type        = number
  default     = 20
}

variable "throttling_burst_limit" {
  description = "Burst of requests across the API."
  type        = number
  default     = 40
}

variable "user_requests_per_minute" {
  description = "Questions (POST /chat) one user may ask per minute; more get 429."
  type        = number
  default     = 30
}

variable "answer_timeout_seconds" {
  description = "Wait this long for an answer before replying 202 with a job to poll (under API Gateway's 29 s)."
  type        = number
  default     = 25

  validation {
    condition     = var.answer_timeout_seconds >= 1 && var.answer_timeout_seconds <= 27
    error_message = "answer_timeout_seconds must leave time before API Gateway's 29 s limit (1–27)."
  }
}

variable "memory_size" {
  description = "Function memory (MB)."
  type        = number
  default     = 1024
}

variable "timeout_seconds" {
  description = "Function timeout; also bounds a slow answer finished asynchronously."
  type        = number
  default     = 180
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the function; -1 for none."
  type        = number
  default     = 20
}

variable "deletion_protection" {
  description = "Refuse to delete the conversations table."
  type        = bool
  default     = true
}

variable "manage_api_gateway_account" {
  description = "Set the region's API Gateway CloudWatch role (needed once per account and region for access logs)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Days to keep the function's and the access logs."
  type        = number
  default     = 30
}
