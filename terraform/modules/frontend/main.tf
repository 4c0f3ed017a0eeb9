# The chat site: a private bucket served only through CloudFront (origin access control), single-page app
# routes rewritten to index.html, security headers on every response, and the built frontend/dist uploaded
# with content types and cache headers. config.json is written from the other modules' outputs, so one
# `terraform apply` deploys a working site; `terraform apply -target=module.frontend` publishes a rebuild.

data "aws_region" "current" {}

locals {
  custom_domain = var.domain_name != null && var.acm_certificate_arn != null

  # Files of the build, except a config.json left in dist/ (this module writes its own) and Vite's manifest.
  site_files = [
    for f in fileset(var.dist_dir, "**") : f
    if f != "config.json" && !startswith(f, ".vite/")
  ]

  content_types = {
    html        = "text/html; charset=utf-8"
    js          = "text/javascript; charset=utf-8"
    mjs         = "text/javascript; charset=utf-8"
    css         = "text/css; charset=utf-8"
    json        = "application/json"
    map         = "application/json"
    svg         = "image/svg+xml"
    png         = "image/png"
    jpg         = "image/jpeg"
    ico         = "image/x-icon"
    webp        = "image/webp"
    woff        = "font/woff"
    woff2       = "font/woff2"
    txt         = "text/plain; charset=utf-8"
    webmanifest = "application/manifest+json"
  }

  # Vite names everything under assets/ by content hash: cached for a year. Everything else (index.html,
  # favicon, config.json) is revalidated on every visit, so a new build shows without an invalidation.
  immutable  = "public, max-age=31536000, immutable"
  revalidate = "no-cache"

  # The Content-Security-Policy names endpoints by region, not by resource: the API's URL and the hosted UI
  # depend on this distribution (CORS origin, callback URLs), so naming them here would be a cycle.
  region = data.aws_region.current.region
  connect_src = join(" ", concat([
    "'self'",
    "https://*.execute-api.${local.region}.amazonaws.com",
    "https://cognito-idp.${local.region}.amazonaws.com",
    "https://*.auth.${local.region}.amazoncognito.com",
  ], var.extra_connect_src))

  # Cloudscape inlines its Open Sans font as data: URLs (font-src data:) and positions popovers and charts
  # with style attributes ('unsafe-inline' in style-src only; no inline script is allowed).
  content_security_policy = join("; ", [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data: blob:",
    "connect-src ${local.connect_src}",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ])

  site_config = {
    apiUrl            = var.api_url
    cognitoUserPoolId = var.cognito_user_pool_id
    cognitoClientId   = var.cognito_client_id
    auth              = "cognito"
  }
}

# ── Bucket (private; CloudFront reads it through origin access control) ────────────────────────────────────

resource "aws_s3_bucket" "site" {
  #checkov:skip=CKV_AWS_18:Access is logged by CloudFront at the edge; the bucket is reached only through it
  #checkov:skip=CKV_AWS_144:The bucket holds build output that `npm run build` recreates; replication adds nothing
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events for a static site
  #checkov:skip=CKV_AWS_145:SSE-S3; SSE-KMS would need the distribution to be granted the key for public web assets
  bucket        = var.bucket_name
  force_destroy = true # build output only; `terraform destroy` removes it with the site
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    id     = "expire-replaced-builds"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "site" {
  statement {
    sid       = "CloudFrontReadsThroughOAC"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.site.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.site.arn, "${aws_s3_bucket.site.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json

  depends_on = [aws_s3_bucket_public_access_block.site]
}

# ── The built site and its runtime configuration ───────────────────────────────────────────────────────────

resource "aws_s3_object" "site" {
  for_each = toset(local.site_files)

  bucket        = aws_s3_bucket.site.id
  key           = each.value
  source        = "${var.dist_dir}/${each.value}"
  source_hash   = filemd5("${var.dist_dir}/${each.value}")
  content_type  = lookup(local.content_types, lower(reverse(split(".", each.value))[0]), "application/octet-stream")
  cache_control = startswith(each.value, "assets/") ? local.immutable : local.revalidate
}

resource "aws_s3_object" "config" {
  bucket        = aws_s3_bucket.site.id
  key           = "config.json"
  content       = jsonencode(local.site_config)
  content_type  = "application/json"
  cache_control = local.revalidate

  lifecycle {
    precondition {
      condition     = fileexists("${var.dist_dir}/index.html")
      error_message = "No built site in ${var.dist_dir}: run `cd frontend && npm install && npm run build` first."
    }
  }
}

# ── CloudFront ─────────────────────────────────────────────────────────────────────────────────────────────

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "${var.name_prefix}-site"
  description                       = "CloudFront reads the chat site's private bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_function" "spa_rewrite" {
  name    = "${var.name_prefix}-spa-rewrite"
  runtime = "cloudfront-js-2.0"
  comment = "Single-page app routes get index.html"
  publish = true
  code    = file("${path.module}/spa_rewrite.js")
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name    = "${var.name_prefix}-security-headers"
  comment = "CSP, HSTS and the usual hardening headers for the chat site"

  security_headers_config {
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }

    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }

  custom_headers_config {
    items {
      header   = "Permissions-Policy"
      value    = "camera=(), microphone=(), geolocation=(), payment=()"
      override = true
    }
  }
}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_86:Access logging needs a log bucket with ACLs enabled; enable it per deployment if required
  #checkov:skip=CKV_AWS_310:One origin (the bucket); there is nothing to fail over to
  #checkov:skip=CKV_AWS_374:Analysts may sign in from anywhere; restrict with web_acl_arn if needed
  #checkov:skip=CKV2_AWS_47:WAF is optional (web_acl_arn); the site is static and the API has its own throttling
  #checkov:skip=CKV_AWS_68:WAF is optional (web_acl_arn); the site is static and the API has its own throttling
  #checkov:skip=CKV2_AWS_32:A response headers policy is attached (response_headers_policy_id)
  #checkov:skip=CKV_AWS_174:TLS 1.2 is enforced with a custom domain and certificate; the *.cloudfront.net certificate always allows TLSv1 (CloudFront ignores a higher minimum for it)
  #checkov:skip=CKV2_AWS_42:A custom certificate is used when domain_name and acm_certificate_arn are set
  enabled             = true
  comment             = "${var.name_prefix} chat site"
  default_root_object = "index.html"
  http_version        = "http2and3"
  is_ipv6_enabled     = true
  price_class         = var.price_class
  aliases             = local.custom_domain ? [var.domain_name] : []
  web_acl_id          = var.web_acl_arn

  origin {
    origin_id                = "site-bucket"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  default_cache_behavior {
    target_origin_id           = "site-bucket"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa_rewrite.arn
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = local.custom_domain ? var.acm_certificate_arn : null
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? "TLSv1.2_2021" : "TLSv1"
  }

  lifecycle {
    precondition {
      condition     = (var.domain_name == null) == (var.acm_certificate_arn == null)
      error_message = "Set domain_name and acm_certificate_arn together (or neither)."
    }
  }
}
