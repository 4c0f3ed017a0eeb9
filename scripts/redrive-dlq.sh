#!/usr/bin/env bash
# Redrive the stream processor's dead-letter queue.
#
# Each DLQ message names a failed range of a table's stream (shard + sequence numbers), not the records, and
# `aws sqs start-message-move-task` cannot redrive a queue that Lambda writes to. This script re-reads every
# range from its stream, writes it through the stream processor into the lake, and deletes the message. Ranges
# older than the stream's 24 h retention are reported with the backfill command to run instead.
#
# Usage: bash scripts/redrive-dlq.sh [--dry-run] [--delete-expired] [--max-messages N]
#                                    [--queue-url URL | --queue-name NAME] [--lake s3://bucket]
# Defaults come from `terraform output` (dlq_url, analytics_bucket_name), else PCA_LAKE_URI and the queue name
# post-call-analytics-stream-processor-dlq.
# Exit status: 0 all redriven (or the queue is empty), 1 a range failed again, 2 usage or AWS error,
#              3 some ranges are past retention: run the backfill it prints.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

args=("$@")
has_arg() {
  local wanted="$1" arg
  for arg in "${args[@]}"; do [[ "$arg" == "$wanted" || "$arg" == "$wanted="* ]] && return 0; done
  return 1
}

if ! has_arg --lake && [[ -z "${PCA_LAKE_URI:-}" ]]; then
  bucket="$(terraform_output analytics_bucket_name)"
  [[ -n "$bucket" ]] || FAIL_CODE=2 fail "cannot find the lake: pass --lake s3://<analytics-bucket>, set PCA_LAKE_URI, or run after 'terraform apply' in terraform/"
  args+=(--lake "s3://$bucket")
fi
if ! has_arg --queue-url && ! has_arg --queue-name; then
  queue_url="$(terraform_output dlq_url)"
  [[ -z "$queue_url" ]] || args+=(--queue-url "$queue_url")
fi

python="$(project_python)"
say "Redriving the stream processor DLQ (re-reading each failed range from its stream)"
cd "$REPO_ROOT"
exec "$python" -m lambdas.stream_processor.redrive "${args[@]}"
