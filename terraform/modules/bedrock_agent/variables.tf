variable "name_prefix" {
  description = "Prefix of every name (the executor is <prefix>-athena-executor)."
  type        = string
}

variable "foundation_model" {
  description = "Foundation model id, or a cross-region inference profile id (us./eu./apac./global. prefix). Use a model whose Bedrock lifecycle is Active."
  type        = string
  default     = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
}

variable "instruction" {
  description = "The agent instruction, generated from the dbt docs (lambdas/athena_executor/agent_instruction.txt)."
  type        = string

  validation {
    condition     = length(var.instruction) >= 40 && length(var.instruction) <= 4000
    error_message = "The agent instruction must be 40-4000 characters: regenerate it from the dbt docs."
  }
}

variable "action_group_json" {
  description = "The generated action group (lambdas/athena_executor/artifacts/action_group.json): {\"actionGroupName\", \"functionSchema\": {\"functions\": [{\"name\", \"description\", \"parameters\": {name: {\"type\", \"description\", \"required\"}}}]}}."
  type        = string

  validation {
    condition     = try(jsondecode(var.action_group_json).actionGroupName, "") == "AthenaQueryExecutor"
    error_message = "The generated action group must be named AthenaQueryExecutor (the runbook's name)."
  }

  validation {
    condition     = contains([for f in try(jsondecode(var.action_group_json).functionSchema.functions, []) : f.name], "execute_sql_query")
    error_message = "The function schema must define execute_sql_query (the runbook's Test 3 calls it)."
  }
}

variable "package_path" {
  description = "Path of athena_executor.zip built by lambdas/build.sh."
  type        = string
}

variable "promoter_package_path" {
  description = "Path of agent_promoter.zip built by lambdas/build.sh."
  type        = string
}

variable "architecture" {
  description = "Lambda instruction set (arm64 or x86_64); the packages must be built for it."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "alias_name" {
  description = "Name of the alias callers invoke; the agent promoter keeps it on the latest prepared draft."
  type        = string
  default     = "live"
}

variable "promoter_schedule_expression" {
  description = "How often the agent promoter compares the prepared draft with the version the alias serves."
  type        = string
  default     = "rate(1 minute)"
}

variable "log_retention_days" {
  description = "Retention of the executor's log group."
  type        = number
  default     = 30
}

variable "executor_timeout_seconds" {
  description = "Timeout of the executor; its Athena polling deadline is set a few seconds below."
  type        = number
  default     = 60
}

variable "executor_memory_size" {
  description = "Memory of the executor in MB."
  type        = number
  default     = 512
}

variable "idle_session_ttl_seconds" {
  description = "How long the agent keeps a conversation without activity."
  type        = number
  default     = 900
}

variable "workgroup_name" {
  description = "Athena workgroup the executor runs every query in."
  type        = string
}

variable "workgroup_arn" {
  description = "ARN of that workgroup."
  type        = string
}

variable "curated_database_name" {
  description = "Glue database of the curated models the agent queries."
  type        = string
}

variable "raw_database_name" {
  description = "Glue database of the raw change log (the curated views read it)."
  type        = string
}

variable "analytics_bucket_arn" {
  description = "ARN of the analytics bucket (read only for the executor)."
  type        = string
}

variable "results_bucket_arn" {
  description = "ARN of the Athena results bucket."
  type        = string
}

variable "results_prefix" {
  description = "Key prefix of the workgroup's results in the results bucket."
  type        = string
}

variable "raw_table_prefixes" {
  description = "Key prefixes of the raw change-log tables in the analytics bucket (one per source table; not quarantine/)."
  type        = list(string)
}

variable "dbt_data_prefix" {
  description = "Key prefix under which dbt writes materialised models (the profile's s3_data_dir)."
  type        = string
  default     = "dbt"
}

variable "marts_read_current_state_only" {
  description = "The scale switch (materialize_current_state) is on: the marts read dbt's current-state tables plus the change log since the last merge, so the executor may read the current-state tables' data but not the rest of dbt's data."
  type        = bool
  default     = false
}
