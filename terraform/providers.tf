provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(
      {
        Project   = var.name_prefix
        ManagedBy = "terraform"
        Source    = "post-call-analytics"
      },
      var.tags,
    )
  }
}
