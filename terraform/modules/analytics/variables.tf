variable "name_prefix" {
  description = "Prefix of every name; the analysts' workgroup is named exactly this."
  type        = string
}

variable "results_bucket_name" {
  description = "Name of the Athena query results bucket to create."
  type        = string

  validation {
    condition     = length(var.results_bucket_name) <= 63
    error_message = "S3 bucket names are at most 63 characters."
  }
}

variable "analytics_bucket_name" {
  description = "The analytics bucket; the curated models are stored under its curated/ prefix."
  type        = string
}

variable "curated_database_name" {
  description = "Glue database of the curated dbt models. Null derives it from name_prefix (post_call_analytics)."
  type        = string
  default     = null
}

variable "bytes_scanned_cutoff" {
  description = "Per-query scan limit of the analysts' workgroup in bytes (1 GB)."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.bytes_scanned_cutoff >= 10485760
    error_message = "Athena's smallest per-query limit is 10 MB."
  }
}

variable "dbt_bytes_scanned_cutoff" {
  description = "Per-query scan limit of the dbt build's workgroup in bytes."
  type        = number
  default     = 10737418240

  validation {
    condition     = var.dbt_bytes_scanned_cutoff >= 10485760
    error_message = "Athena's smallest per-query limit is 10 MB."
  }
}

variable "results_expiration_days" {
  description = "Days after which query results are deleted."
  type        = number
  default     = 7
}
