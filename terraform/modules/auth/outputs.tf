output "user_pool_id" {
  description = "Cognito user pool id (VITE_COGNITO_USER_POOL_ID; scripts/create-user.sh)."
  value       = aws_cognito_user_pool.main.id
}

output "user_pool_arn" {
  description = "Cognito user pool ARN (the API's authorizer)."
  value       = aws_cognito_user_pool.main.arn
}

output "client_id" {
  description = "Public app client id (VITE_COGNITO_CLIENT_ID)."
  value       = aws_cognito_user_pool_client.site.id
}

output "hosted_ui_domain" {
  description = "Hosted UI domain prefix."
  value       = aws_cognito_user_pool_domain.main.domain
}
