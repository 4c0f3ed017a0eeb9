#!/usr/bin/env bash
# Runbook step 9, kept under its old name: there are no Glue crawlers any more. The raw tables are defined by
# Terraform (partition projection), and the curated schema `post_call_analytics` is built by dbt. This script
# runs `dbt build` against Athena.
#
# Usage: bash scripts/run-crawlers.sh [--codebuild] [--dry-run] [-- extra dbt arguments, e.g. --select calls]
#   (default)    run dbt here, with this checkout's dbt project and your AWS credentials
#   --codebuild  start the scheduled build's CodeBuild project instead and wait for it
#   --dry-run    print the commands and settings, run nothing
# Settings come from `terraform output` (run after terraform apply); PCA_ATHENA_* variables already set win.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=local
dry_run=false
dbt_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --codebuild) mode=codebuild ;;
    --dry-run) dry_run=true ;;
    --) shift; dbt_args+=("$@"); break ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) dbt_args+=("$1") ;;
  esac
  shift
done

run() {
  printf '  $'; printf ' %q' "$@"; printf '\n'
  [[ "$dry_run" == true ]] || "$@"
}

need_output() { # need_output VAR OUTPUT_NAME: VAR from the environment, else from terraform output
  local var="$1" output="$2" value
  value="${!var:-}"
  [[ -n "$value" ]] || value="$(terraform_output "$output")"
  [[ -n "$value" ]] || fail "unknown $output: run 'terraform init && terraform apply' in terraform/ first, or set $var"
  printf '%s\n' "$value"
}

if [[ "$mode" == codebuild ]]; then
  command -v aws >/dev/null 2>&1 || fail "the AWS CLI is needed for --codebuild (it is in the dev container)"
  project="$(need_output PCA_DBT_BUILD_PROJECT dbt_build_project_name)"
  say "Starting the scheduled dbt build now: CodeBuild project $project"
  if [[ "$dry_run" == true ]]; then
    run aws codebuild start-build --project-name "$project"
    exit 0
  fi
  build_id="$(aws codebuild start-build --project-name "$project" --query build.id --output text)"
  say "Build $build_id started; waiting (logs: aws logs tail /aws/codebuild/$project --follow)"
  while :; do
    status="$(aws codebuild batch-get-builds --ids "$build_id" --query 'builds[0].buildStatus' --output text)"
    [[ "$status" == IN_PROGRESS ]] || break
    sleep 15
  done
  [[ "$status" == SUCCEEDED ]] || fail "dbt build $build_id ended $status: aws logs tail /aws/codebuild/$project"
  say "dbt build succeeded: post_call_analytics is up to date"
  exit 0
fi

PCA_ATHENA_SCHEMA="$(need_output PCA_ATHENA_SCHEMA curated_database_name)"
PCA_RAW_SCHEMA="$(need_output PCA_RAW_SCHEMA raw_database_name)"
PCA_ATHENA_WORKGROUP="$(need_output PCA_ATHENA_WORKGROUP athena_dbt_workgroup)"
results_bucket="$(need_output PCA_ATHENA_RESULTS_BUCKET athena_results_bucket_name)"
analytics_bucket="$(need_output PCA_ANALYTICS_BUCKET analytics_bucket_name)"
PCA_ATHENA_S3_STAGING_DIR="${PCA_ATHENA_S3_STAGING_DIR:-s3://$results_bucket/dbt/}"
PCA_ATHENA_S3_DATA_DIR="${PCA_ATHENA_S3_DATA_DIR:-s3://$analytics_bucket/curated/}"
AWS_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
[[ -n "$AWS_REGION" ]] || fail "set AWS_REGION to the deployment's region"
export PCA_DBT_TARGET=prod PCA_ATHENA_SCHEMA PCA_RAW_SCHEMA PCA_ATHENA_WORKGROUP
export PCA_ATHENA_S3_STAGING_DIR PCA_ATHENA_S3_DATA_DIR AWS_REGION

dbt="${DBT:-}"
if [[ -z "$dbt" ]]; then
  if [[ -x "$REPO_ROOT/.venv/bin/dbt" ]]; then dbt="$REPO_ROOT/.venv/bin/dbt"; else dbt="$(command -v dbt || true)"; fi
fi
[[ -n "$dbt" ]] || fail "dbt is not installed: run 'make install' (dbt-core and dbt-athena-community are dev dependencies)"

say "Building the curated schema $PCA_ATHENA_SCHEMA with dbt on Athena (workgroup $PCA_ATHENA_WORKGROUP, region $AWS_REGION)"
say "Models under $PCA_ATHENA_S3_DATA_DIR; raw change log read from $PCA_RAW_SCHEMA"
project="$REPO_ROOT/dbt_project"
run "$dbt" build --target prod --project-dir "$project" --profiles-dir "$project" "${dbt_args[@]}"
[[ "$dry_run" == true ]] || say "Done: query it with the runbook's Test 2 (workgroup post-call-analytics)"
