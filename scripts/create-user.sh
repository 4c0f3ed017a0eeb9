#!/usr/bin/env bash
# Runbook step 10: invite a user to the chat site (Cognito user pool, invite-only).
#
# Creates the user with a verified e-mail address; Cognito e-mails a temporary password, which the user
# replaces at first sign-in. Idempotent: an existing user is reported, not changed (--resend sends the
# invitation again to a user who has not signed in yet).
#
# Usage: bash scripts/create-user.sh EMAIL [--user-pool-id ID] [--resend] [--dry-run]
# The pool defaults to $COGNITO_USER_POOL_ID, then the Terraform output cognito_user_pool_id.
# Region: AWS_REGION (or your AWS CLI profile's region).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 ]] || fail "usage: bash scripts/create-user.sh EMAIL [--user-pool-id ID] [--resend] [--dry-run]"

python="$(project_python)"
"$python" -c 'import boto3' 2>/dev/null || fail "$python cannot import boto3: run 'make install' or set PYTHON"

pool_args=()
if [[ " $* " != *" --user-pool-id "* ]]; then
  pool_id="${COGNITO_USER_POOL_ID:-$(terraform_output cognito_user_pool_id)}"
  [[ -n "$pool_id" ]] || fail "no user pool: pass --user-pool-id, set COGNITO_USER_POOL_ID, or run 'terraform apply' in terraform/ first"
  pool_args=(--user-pool-id "$pool_id")
fi

exec "$python" "$REPO_ROOT/scripts/create_user.py" "$@" "${pool_args[@]}"
