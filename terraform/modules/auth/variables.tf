variable "name_prefix" {
  description = "Prefix of every name this module creates."
  type        = string
}

variable "domain_prefix" {
  description = "Prefix of the hosted UI domain (<prefix>.auth.<region>.amazoncognito.com); globally unique per region."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.domain_prefix)) && !strcontains(var.domain_prefix, "aws") && !strcontains(var.domain_prefix, "cognito")
    error_message = "domain_prefix: lowercase letters, digits and hyphens, at most 63 characters, without \"aws\" or \"cognito\"."
  }
}

variable "callback_urls" {
  description = "Where the hosted UI may send users back after sign-in: the site and http://localhost for development."
  type        = list(string)

  validation {
    condition     = length(var.callback_urls) > 0 && alltrue([for u in var.callback_urls : can(regex("^(https://|http://localhost(:[0-9]+)?/?)", u))])
    error_message = "callback_urls: at least one; https:// only, except http://localhost."
  }
}

variable "logout_urls" {
  description = "Where the hosted UI may send users after sign-out."
  type        = list(string)
}

variable "mfa_configuration" {
  description = "TOTP multi-factor sign-in: OFF, OPTIONAL (each user may turn it on) or ON (required)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (turn off and apply before terraform destroy)."
  type        = bool
  default     = true
}

variable "password_minimum_length" {
  description = "Minimum password length."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be between 8 and 99."
  }
}

variable "temporary_password_validity_days" {
  description = "Days an invitation's temporary password stays valid."
  type        = number
  default     = 7
}

variable "token_validity_minutes" {
  description = "Lifetime of id and access tokens, in minutes (5–1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.token_validity_minutes >= 5 && var.token_validity_minutes <= 1440
    error_message = "token_validity_minutes must be between 5 and 1440."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens, in days."
  type        = number
  default     = 30
}
