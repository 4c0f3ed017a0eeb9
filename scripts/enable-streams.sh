#!/usr/bin/env bash
# Runbook step 1: enable DynamoDB Streams (NEW_AND_OLD_IMAGES) on the calls and scorecards tables.
#
# Idempotent; waits until each stream is ENABLED. A table that already streams another view type is refused
# unless --force is given (a replaced stream gets a new ARN; its current consumers stop receiving records).
#
# Usage: bash scripts/enable-streams.sh [--calls-table NAME] [--scorecards-table NAME] [--force] [--dry-run]
# Table names default to $CALLS_TABLE_NAME / $SCORECARDS_TABLE_NAME, then terraform/terraform.tfvars, then
# "calls" and "scorecards". Region: AWS_REGION (or your AWS CLI profile's region).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python="$(project_python)"
"$python" -c 'import boto3' 2>/dev/null || fail "$python cannot import boto3: run 'make install' or set PYTHON"
say "Enabling DynamoDB Streams (NEW_AND_OLD_IMAGES) on the source tables"
exec "$python" "$REPO_ROOT/scripts/enable_streams.py" "$@"
