output "frontend_url" {
  description = "The chat site's URL (ends in /); also its Cognito callback and sign-out URL."
  value       = local.custom_domain ? "https://${var.domain_name}/" : "https://${aws_cloudfront_distribution.site.domain_name}/"
}

output "distribution_id" {
  description = "CloudFront distribution id (aws cloudfront create-invalidation --distribution-id …)."
  value       = aws_cloudfront_distribution.site.id
}

output "distribution_domain_name" {
  description = "The distribution's *.cloudfront.net name (a CNAME target for domain_name)."
  value       = aws_cloudfront_distribution.site.domain_name
}

output "bucket_name" {
  description = "The private bucket holding the built site."
  value       = aws_s3_bucket.site.id
}

output "content_security_policy" {
  description = "The Content-Security-Policy every response carries."
  value       = local.content_security_policy
}
