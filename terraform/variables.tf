# ── The existing system (read through data sources only) ───────────────────────────────────────────────────

variable "aws_region" {
  description = "Region of the existing DynamoDB tables; everything this project creates lives there too."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region code such as us-east-1."
  }
}

variable "calls_table_name" {
  description = "Name of the existing DynamoDB table with one item per call. Its stream must be enabled (scripts/enable-streams.sh)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.calls_table_name))
    error_message = "calls_table_name must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)."
  }
}

variable "scorecards_table_name" {
  description = "Name of the existing DynamoDB table with one item per QA evaluation. Its stream must be enabled."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.scorecards_table_name))
    error_message = "scorecards_table_name must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)."
  }
}

variable "existing_transcribe_bucket" {
  description = "Name of the existing S3 bucket holding Transcribe Call Analytics output. Read only; never modified."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.existing_transcribe_bucket))
    error_message = "existing_transcribe_bucket must be an S3 bucket name."
  }
}

# ── Naming and tags ────────────────────────────────────────────────────────────────────────────────────────

variable "name_prefix" {
  description = "Prefix of every name this project creates. The runbook's names assume the default."
  type        = string
  default     = "post-call-analytics"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,22}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-24 characters of a-z, 0-9 and '-' (it is part of S3 bucket names)."
  }
}

variable "tags" {
  description = "Extra tags added to every resource (on top of Project and ManagedBy)."
  type        = map(string)
  default     = {}
}

# ── Lambda packages ────────────────────────────────────────────────────────────────────────────────────────

variable "lambda_packages_dir" {
  description = "Folder holding the zips built by lambdas/build.sh. Relative paths are taken from this folder."
  type        = string
  default     = "lambda_packages"
}

variable "lambda_architecture" {
  description = "Instruction set of the Lambda functions: arm64 (Graviton, the default) or x86_64. Build the packages for the same one (bash lambdas/build.sh --architecture x86_64, or PCA_LAMBDA_ARCHITECTURE)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "aws_sdk_pandas_layer_arn" {
  description = "ARN of a Lambda layer providing pyarrow for Python 3.11 on lambda_architecture. Leave null to use AWS's managed 'AWS SDK for pandas' layer for the region (looked up in its public SSM parameter)."
  type        = string
  default     = null
}

variable "aws_sdk_pandas_version" {
  description = "Version of AWS's managed 'AWS SDK for pandas' layer, used when aws_sdk_pandas_layer_arn is null."
  type        = string
  default     = "3.13.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.aws_sdk_pandas_version))
    error_message = "aws_sdk_pandas_version must look like 3.13.0."
  }
}

variable "destroy_lake_with_stack" {
  description = "Set to true (and apply) before terraform destroy to delete the analytics bucket and the lake in it; false keeps destroy from deleting data."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the Lambda and CodeBuild log groups."
  type        = number
  default     = 30
}

# ── Stream processing ──────────────────────────────────────────────────────────────────────────────────────

variable "stream_batch_size" {
  description = "Records per stream processor invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.stream_batch_size >= 1 && var.stream_batch_size <= 10000
    error_message = "stream_batch_size must be between 1 and 10000."
  }
}

variable "stream_batching_window_seconds" {
  description = "How long Lambda gathers records before invoking (0-300 s). Larger windows write fewer, larger files."
  type        = number
  default     = 10
}

variable "stream_maximum_retry_attempts" {
  description = "Retries of a failing batch before its range goes to the DLQ (bisecting does not use retries)."
  type        = number
  default     = 3

  validation {
    condition     = var.stream_maximum_retry_attempts >= 0 && var.stream_maximum_retry_attempts <= 10
    error_message = "stream_maximum_retry_attempts must be between 0 and 10 (a finite number)."
  }
}

variable "stream_maximum_record_age_seconds" {
  description = "Records older than this go to the DLQ instead of being retried. Keep it well under the stream's 24 h retention so a redrive can still read them."
  type        = number
  default     = 3600

  validation {
    condition     = var.stream_maximum_record_age_seconds >= 60 && var.stream_maximum_record_age_seconds <= 21600
    error_message = "stream_maximum_record_age_seconds must be between 60 and 21600 (6 h), leaving time to redrive."
  }
}

# ── Agent ──────────────────────────────────────────────────────────────────────────────────────────────────

variable "agent_foundation_model" {
  description = "Model the Bedrock agent orchestrates with: a cross-region inference profile id (us./eu./apac./global. + model id; newer Anthropic models are served only this way) or a foundation model id. Its Bedrock lifecycle must be Active (docs/deployment.md, step 4)."
  type        = string
  default     = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
}

variable "agent_instruction_file" {
  description = "The agent instruction generated from the dbt docs (never hand-edited). Relative to this folder."
  type        = string
  default     = "../lambdas/athena_executor/agent_instruction.txt"
}

variable "agent_action_group_file" {
  description = "The action group definition generated with the instruction (JSON: actionGroupName and functionSchema). Relative to this folder."
  type        = string
  default     = "../lambdas/athena_executor/artifacts/action_group.json"
}

# ── Analytics ──────────────────────────────────────────────────────────────────────────────────────────────

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query scan limit of the analysts' workgroup, in bytes (the runbook's 1 GB)."
  type        = number
  default     = 1073741824
}

variable "dbt_bytes_scanned_cutoff" {
  description = "Per-query scan limit of the dbt build's workgroup, in bytes."
  type        = number
  default     = 10737418240
}

variable "dbt_schedule_expression" {
  description = "When the scheduled dbt build runs (EventBridge Scheduler expression)."
  type        = string
  default     = "cron(15 5 * * ? *)"
}

variable "dbt_schedule_interval_minutes" {
  description = "Minutes between two scheduled dbt builds (match dbt_schedule_expression: 1440 for a daily cron). The merge-age alarm fires when two intervals pass without a successful merge."
  type        = number
  default     = 1440

  validation {
    condition     = var.dbt_schedule_interval_minutes >= 1 && var.dbt_schedule_interval_minutes <= 5040
    error_message = "dbt_schedule_interval_minutes must be between 1 and 5040 (CloudWatch evaluates an alarm over at most 7 days)."
  }
}

variable "dbt_materialize_current_state" {
  description = "dbt's scale switch on the scheduled build: keep each table's current state in Iceberg, merged by every build, so questions never re-read the whole JSON change log (they add the changes since the last merge)."
  type        = bool
  default     = true
}

variable "dbt_schedule_timezone" {
  description = "Time zone of dbt_schedule_expression."
  type        = string
  default     = "UTC"
}

# ── Monitoring ─────────────────────────────────────────────────────────────────────────────────────────────

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (confirm the subscription e-mail). Null for none."
  type        = string
  default     = null
}

variable "stream_processor_error_threshold" {
  description = "Alarm when the stream processor reports more errors than this in 5 minutes."
  type        = number
  default     = 5
}

variable "executor_p95_duration_threshold_ms" {
  description = "Alarm when the Athena executor's p95 duration over 5 minutes exceeds this."
  type        = number
  default     = 45000
}

variable "stream_iterator_age_threshold_ms" {
  description = "Alarm when the stream processor falls this far behind its streams."
  type        = number
  default     = 600000
}

# ── Chat site and API ──────────────────────────────────────────────────────────────────────────────────────

variable "chat_site_url" {
  description = "URL of the chat site (e.g. its CloudFront https://… address): CORS origin and sign-in callback. Unset: local development (http://localhost:5173) only."
  type        = string
  default     = null

  validation {
    condition     = var.chat_site_url == null || can(regex("^https://[^/]+/?$", var.chat_site_url))
    error_message = "chat_site_url is https://host with no path."
  }
}

variable "cognito_domain_prefix" {
  description = "Hosted UI domain prefix (<prefix>.auth.<region>.amazoncognito.com). Default: <name_prefix>-<account id>."
  type        = string
  default     = null
}

variable "cognito_mfa_configuration" {
  description = "TOTP MFA for sign-in: OFF, OPTIONAL or ON."
  type        = string
  default     = "OPTIONAL"
}

variable "transcribe_output_prefix" {
  description = "Prefix of the Transcribe Call Analytics output in existing_transcribe_bucket (the API reads transcripts there only)."
  type        = string
  default     = "analytics/"
}

variable "api_user_requests_per_minute" {
  description = "Questions one user may ask per minute before the API answers 429."
  type        = number
  default     = 30
}

# ── Chat site (module.frontend) ────────────────────────────────────────────────────────────────────────────

variable "deploy_frontend" {
  description = "Deploy the chat site (private bucket + CloudFront) from frontend_dist_dir. False: API only (the site is hosted elsewhere, see chat_site_url)."
  type        = bool
  default     = true
}

variable "frontend_dist_dir" {
  description = "The built chat site (npm run build in frontend/). Relative paths are taken from this folder."
  type        = string
  default     = "../frontend/dist"
}

variable "frontend_domain_name" {
  description = "Optional custom domain for the chat site (with frontend_acm_certificate_arn; viewers then need TLS 1.2 or later)."
  type        = string
  default     = null
}

variable "frontend_acm_certificate_arn" {
  description = "ACM certificate in us-east-1 for frontend_domain_name."
  type        = string
  default     = null
}

variable "frontend_price_class" {
  description = "CloudFront price class of the chat site (PriceClass_100, PriceClass_200 or PriceClass_All)."
  type        = string
  default     = "PriceClass_100"
}

variable "frontend_extra_connect_src" {
  description = "Extra https:// origins the chat site may call (Content-Security-Policy connect-src), e.g. a custom API domain."
  type        = list(string)
  default     = []
}
