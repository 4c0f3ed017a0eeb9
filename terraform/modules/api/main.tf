# The chat API: API Gateway (REST) with the Cognito authorizer on every method → the api_handler Lambda, and
# the conversations table it keeps. One {proxy+} resource carries every route (the Lambda's router owns
# paths); its OPTIONS preflight is answered by API Gateway itself, outside the authorizer.

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  function_name = "${var.name_prefix}-api-handler"
  table_name    = "${var.name_prefix}-conversations"
  partition     = data.aws_partition.current.partition
  region        = data.aws_region.current.region
  account_id    = data.aws_caller_identity.current.account_id
  # Built from the name so the role can invoke its own function (finishing slow answers) without a cycle.
  function_arn = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}"

  glue_catalog_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  glue_readable = [
    "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.curated_database_name}",
    "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.curated_database_name}/*",
  ]

  cors_headers = {
    "gatewayresponse.header.Access-Control-Allow-Origin"  = "'${var.allowed_origin}'"
    "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type'"
    "gatewayresponse.header.Vary"                         = "'Origin'"
  }
  # Errors API Gateway answers itself are problem documents too (RFC 9457), like the Lambda's.
  gateway_problems = {
    UNAUTHORIZED        = { status = "401", number = 401, title = "Unauthorized" }
    ACCESS_DENIED       = { status = "403", number = 403, title = "Forbidden" }
    THROTTLED           = { status = "429", number = 429, title = "Too Many Requests" }
    INTEGRATION_TIMEOUT = { status = "504", number = 504, title = "Gateway Timeout" }
    DEFAULT_4XX         = { status = null, number = 400, title = "Bad Request" } # keeps the actual status code
    DEFAULT_5XX         = { status = null, number = 500, title = "Internal Server Error" }
  }
}

# ── Conversations table ────────────────────────────────────────────────────────────────────────────────────

resource "aws_dynamodb_table" "conversations" {
  #checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS managed key; a customer key adds key policy work for no extra control here
  name         = local.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}

# ── api_handler Lambda ─────────────────────────────────────────────────────────────────────────────────────

resource "aws_cloudwatch_log_group" "function" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer key adds cost without extra control here
  #checkov:skip=CKV_AWS_338:Operational logs; retention is the log_retention_days variable (30 days by default)
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${local.function_name}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

# The conversations table only; the agent alias only; Athena through the one workgroup with read-only catalog
# and lake access; the Transcribe bucket's output prefix read-only; itself (to finish slow answers).
data "aws_iam_policy_document" "function" {
  statement {
    sid = "ConversationsTable"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:Query",
      "dynamodb:BatchWriteItem",
    ]
    resources = [aws_dynamodb_table.conversations.arn]
  }

  statement {
    sid       = "InvokeTheAgentAlias"
    actions   = ["bedrock:InvokeAgent"]
    resources = [var.agent_alias_arn]
  }

  statement {
    sid = "RunQueriesInOneWorkgroup"
    actions = [
      "athena:StartQueryExecution",
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:StopQueryExecution",
      "athena:GetWorkGroup",
    ]
    resources = [var.workgroup_arn]
  }

  statement {
    sid = "ReadCatalog"
    actions = [
      "glue:GetDatabase",
      "glue:GetTable",
      "glue:GetTables",
      "glue:GetPartition",
      "glue:GetPartitions",
    ]
    resources = concat([local.glue_catalog_arn], local.glue_readable)
  }

  statement {
    sid       = "ReadLake"
    actions   = ["s3:GetObject"]
    resources = ["${var.analytics_bucket_arn}/*"]
  }

  statement {
    sid       = "ListLake"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.analytics_bucket_arn]
  }

  statement {
    sid = "WriteQueryResults"
    actions = [
      "s3:PutObject",
      "s3:GetObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${var.results_bucket_arn}/${var.results_prefix}/*"]
  }

  statement {
    sid       = "ListQueryResults"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [var.results_bucket_arn]
  }

  statement {
    sid       = "ReadTranscripts"
    actions   = ["s3:GetObject"]
    resources = ["${var.transcribe_bucket_arn}/${var.transcribe_prefix}*"]
  }

  statement {
    sid       = "FinishSlowAnswers"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.function_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }

  statement {
    sid       = "WriteTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray has no resource-level permissions
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "${local.function_name}-policy"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

resource "aws_lambda_function" "api_handler" {
  #checkov:skip=CKV_AWS_116:Its only asynchronous invocations are its own job events; a failed job is reported by GET /chat/{job_id}
  #checkov:skip=CKV_AWS_117:Reaches DynamoDB, Athena, S3 and Bedrock over their public endpoints; no VPC resources to protect
  #checkov:skip=CKV_AWS_173:Environment holds no secrets (table, workgroup, bucket and agent ids)
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile outside this project's scope; packages are built reproducibly
  function_name                  = local.function_name
  description                    = "Chat API behind API Gateway + Cognito: verified queries first, then the Bedrock agent"
  role                           = aws_iam_role.function.arn
  runtime                        = "python3.11"
  architectures                  = ["x86_64"]
  handler                        = "lambdas.api_handler.handler.lambda_handler"
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  layers                         = [var.pyarrow_layer_arn]
  memory_size                    = var.memory_size
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = {
      PCA_CONVERSATIONS_TABLE     = aws_dynamodb_table.conversations.name
      PCA_BEDROCK_AGENT_ID        = var.agent_id
      PCA_BEDROCK_AGENT_ALIAS_ID  = var.agent_alias_id
      PCA_ATHENA_WORKGROUP        = var.workgroup_name
      PCA_TRANSCRIBE_BUCKET       = var.transcribe_bucket_name
      PCA_TRANSCRIBE_PREFIX       = var.transcribe_prefix
      PCA_API_ALLOWED_ORIGIN      = var.allowed_origin
      PCA_ANSWER_TIMEOUT_SECONDS  = tostring(var.answer_timeout_seconds)
      PCA_API_REQUESTS_PER_MINUTE = tostring(var.user_requests_per_minute)
      POWERTOOLS_SERVICE_NAME     = "post-call-analytics-api"
      POWERTOOLS_LOG_LEVEL        = "INFO"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [
    aws_cloudwatch_log_group.function,
    aws_iam_role_policy.function,
  ]
}

resource "aws_lambda_function_event_invoke_config" "api_handler" {
  function_name                = aws_lambda_function.api_handler.function_name
  maximum_retry_attempts       = 0 # a job is answered once; GET /chat/{job_id} reports one that never finished
  maximum_event_age_in_seconds = 300
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api_handler.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.main.execution_arn}/*/*/*"
}

# ── REST API ───────────────────────────────────────────────────────────────────────────────────────────────

resource "aws_api_gateway_rest_api" "main" {
  name        = var.name_prefix
  description = "post-call-analytics chat API (routes: lambdas/api_handler/openapi.json)"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = "${var.name_prefix}-cognito"
  rest_api_id     = aws_api_gateway_rest_api.main.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = [var.user_pool_arn]
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.main.id
  parent_id   = aws_api_gateway_rest_api.main.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  #checkov:skip=CKV2_AWS_53:Requests are validated by the Lambda's router against the OpenAPI models (422 problem documents)
  rest_api_id   = aws_api_gateway_rest_api.main.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.cognito.id
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.main.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.api_handler.invoke_arn
  timeout_milliseconds    = 29000
}

# CORS preflight: answered by API Gateway (MOCK), outside the authorizer, for the site's origin only.
resource "aws_api_gateway_method" "preflight" {
  #checkov:skip=CKV_AWS_59:The CORS preflight must not require a token (browsers send none); it returns headers only
  #checkov:skip=CKV2_AWS_53:The preflight has no request to validate; it is a MOCK integration
  rest_api_id   = aws_api_gateway_rest_api.main.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "preflight" {
  rest_api_id       = aws_api_gateway_rest_api.main.id
  resource_id       = aws_api_gateway_resource.proxy.id
  http_method       = aws_api_gateway_method.preflight.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 204}" }
}

resource "aws_api_gateway_method_response" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.main.id
  resource_id = aws_api_gateway_resource.proxy.id
  http_method = aws_api_gateway_method.preflight.http_method
  status_code = "204"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Max-Age"       = true
  }
}

resource "aws_api_gateway_integration_response" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.main.id
  resource_id = aws_api_gateway_resource.proxy.id
  http_method = aws_api_gateway_method.preflight.http_method
  status_code = aws_api_gateway_method_response.preflight.status_code

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'${var.allowed_origin}'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type'"
    "method.response.header.Access-Control-Max-Age"       = "'600'"
  }

  depends_on = [aws_api_gateway_integration.preflight]
}

# Errors API Gateway answers itself (no token, throttled, timeout) carry CORS headers, or the browser would
# hide them from the site.
resource "aws_api_gateway_gateway_response" "problems" {
  for_each = local.gateway_problems

  rest_api_id         = aws_api_gateway_rest_api.main.id
  response_type       = each.key
  status_code         = each.value.status
  response_parameters = local.cors_headers
  # messageString is API Gateway's already-quoted JSON string of the error message
  response_templates = {
    "application/json" = "{\"type\":\"about:blank\",\"title\":\"${each.value.title}\",\"status\":${each.value.number},\"detail\":$context.error.messageString}"
  }
}

resource "aws_api_gateway_deployment" "main" {
  rest_api_id = aws_api_gateway_rest_api.main.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.proxy.id,
      aws_api_gateway_method.proxy,
      aws_api_gateway_integration.proxy,
      aws_api_gateway_method.preflight,
      aws_api_gateway_integration.preflight,
      aws_api_gateway_integration_response.preflight,
      aws_api_gateway_authorizer.cognito,
      aws_api_gateway_gateway_response.problems,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; a customer key adds cost without extra control here
  #checkov:skip=CKV_AWS_338:Operational logs; retention is the log_retention_days variable (30 days by default)
  name              = "/aws/apigateway/${var.name_prefix}-access"
  retention_in_days = var.log_retention_days
}

# API Gateway writes access logs through one account-wide role per region.
data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apigateway_logs" {
  count              = var.manage_api_gateway_account ? 1 : 0
  name               = "${var.name_prefix}-apigateway-logs"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
}

resource "aws_iam_role_policy_attachment" "apigateway_logs" {
  count      = var.manage_api_gateway_account ? 1 : 0
  role       = aws_iam_role.apigateway_logs[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "main" {
  count               = var.manage_api_gateway_account ? 1 : 0
  cloudwatch_role_arn = aws_iam_role.apigateway_logs[0].arn
}

resource "aws_api_gateway_stage" "main" {
  #checkov:skip=CKV_AWS_120:Caching would serve one user's answers to another; every response is per user
  #checkov:skip=CKV2_AWS_51:Clients authenticate with Cognito tokens, not certificates
  #checkov:skip=CKV2_AWS_29:A WAF web ACL is an account-level choice; throttling and Cognito guard this API
  rest_api_id          = aws_api_gateway_rest_api.main.id
  deployment_id        = aws_api_gateway_deployment.main.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId      = "$context.requestId"
      requestTime    = "$context.requestTime"
      httpMethod     = "$context.httpMethod"
      resourcePath   = "$context.resourcePath"
      path           = "$context.path"
      status         = "$context.status"
      responseLength = "$context.responseLength"
      latencyMs      = "$context.responseLatency"
      integrationMs  = "$context.integrationLatency"
      sourceIp       = "$context.identity.sourceIp"
      user           = "$context.authorizer.claims.sub"
      error          = "$context.error.message"
    })
  }

  depends_on = [aws_api_gateway_account.main]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching would serve one user's answers to another; every response is per user
  rest_api_id = aws_api_gateway_rest_api.main.id
  stage_name  = aws_api_gateway_stage.main.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false # would log request bodies, i.e. questions
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    caching_enabled        = false
  }
}
