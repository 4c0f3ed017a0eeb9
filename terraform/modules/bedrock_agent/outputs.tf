output "agent_id" {
  description = "Bedrock agent id."
  value       = aws_bedrockagent_agent.main.agent_id
}

output "agent_arn" {
  description = "Bedrock agent ARN."
  value       = aws_bedrockagent_agent.main.agent_arn
}

output "agent_alias_id" {
  description = "Id of the alias callers invoke."
  value       = aws_bedrockagent_agent_alias.live.agent_alias_id
}

output "agent_alias_arn" {
  description = "ARN of the alias callers invoke."
  value       = aws_bedrockagent_agent_alias.live.agent_alias_arn
}

output "executor_function_name" {
  description = "Name of the Athena executor Lambda."
  value       = aws_lambda_function.executor.function_name
}

output "executor_function_arn" {
  description = "ARN of the Athena executor Lambda."
  value       = aws_lambda_function.executor.arn
}

output "guardrail_id" {
  description = "Id of the agent's guardrail."
  value       = aws_bedrock_guardrail.main.guardrail_id
}
