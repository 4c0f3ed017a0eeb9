output "api_url" {
  description = "Base URL of the API, ending in / (append chat, conversations, …)."
  value       = "${aws_api_gateway_stage.main.invoke_url}/"
}

output "rest_api_name" {
  description = "Name of the REST API (CloudWatch ApiName dimension)."
  value       = aws_api_gateway_rest_api.main.name
}

output "stage_name" {
  description = "Stage name (CloudWatch Stage dimension)."
  value       = aws_api_gateway_stage.main.stage_name
}

output "function_name" {
  description = "Name of the api_handler Lambda."
  value       = aws_lambda_function.api_handler.function_name
}

output "conversations_table_name" {
  description = "The conversations table (pca feedback --table)."
  value       = aws_dynamodb_table.conversations.name
}
