variable "name_prefix" {
  description = "Prefix of every name this module creates."
  type        = string
}

variable "bucket_name" {
  description = "Name of the private bucket holding the built site."
  type        = string
}

variable "dist_dir" {
  description = "The built site (frontend/dist after `npm run build`); every file in it is uploaded."
  type        = string
}

variable "api_url" {
  description = "The API's base URL (ends in /); written to config.json."
  type        = string
}

variable "cognito_user_pool_id" {
  description = "User pool the site signs in with (written to config.json)."
  type        = string
}

variable "cognito_client_id" {
  description = "The pool's public app client (code flow + PKCE) (written to config.json)."
  type        = string
}

variable "extra_connect_src" {
  description = "Origins the site may also call, added to the CSP's connect-src (e.g. a custom API or hosted-UI domain). The region's API Gateway, cognito-idp and *.auth.<region>.amazoncognito.com are always allowed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.extra_connect_src : can(regex("^https://[^/;\\s]+$", o))])
    error_message = "extra_connect_src: https:// origins only (no path, no ';')."
  }
}

variable "domain_name" {
  description = "Optional custom domain for the site (e.g. analytics.example.com). With acm_certificate_arn, viewers need TLS 1.2 or later."
  type        = string
  default     = null
}

variable "acm_certificate_arn" {
  description = "ACM certificate (in us-east-1) for domain_name. Required when domain_name is set."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.acm_certificate_arn))
    error_message = "CloudFront takes certificates from us-east-1 only: acm_certificate_arn must be an ACM ARN in us-east-1."
  }
}

variable "price_class" {
  description = "CloudFront price class (PriceClass_100: North America and Europe; PriceClass_All: every edge)."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "web_acl_arn" {
  description = "Optional WAF web ACL (scope CLOUDFRONT) to attach to the distribution."
  type        = string
  default     = null
}
