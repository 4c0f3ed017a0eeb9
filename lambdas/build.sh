#!/usr/bin/env bash
# Build the Lambda deployment packages into terraform/lambda_packages/:
#   stream_processor.zip, athena_executor.zip, agent_promoter.zip, api_handler.zip (each one whose handler exists)
#   dbt_build.zip (the scheduled dbt build's source)
# Dependencies are the versions pinned in lambdas/requirements.lock, installed as wheels for each function's
# Lambda architecture (arm64 by default: manylinux2014_aarch64, CPython 3.11); boto3 comes from the runtime and
# pyarrow from the AWS SDK for pandas layer. Same inputs give the same bytes.
#
# Usage: bash lambdas/build.sh [stream_processor|athena_executor|api_handler ...] [--out DIR]
#                              [--architecture arm64|x86_64]
#        python scripts/package_lambdas.py --update-lock    (re-pin the dependencies)
# Environment: PYTHON (default: the project's .venv, else python3), PCA_LAMBDA_ARCHITECTURE
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  if [[ -x "$repo/.venv/bin/python" ]]; then
    python="$repo/.venv/bin/python"
  else
    python="$(command -v python3 || true)"
  fi
fi
if [[ -z "$python" ]] || ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "build.sh: needs Python 3.11+ with pip (set PYTHON=/path/to/python, or run 'make install')" >&2
  exit 2
fi
if ! "$python" -m pip --version >/dev/null 2>&1; then
  echo "build.sh: $python has no pip; install pip or point PYTHON at a virtual environment" >&2
  exit 2
fi

echo "Building Lambda packages with $("$python" --version 2>&1) from $repo"
exec "$python" "$repo/scripts/package_lambdas.py" "$@"
