# Shared helpers for the runbook's scripts (sourced, not run).
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

say() { printf '==> %s\n' "$*"; }
fail() {
  printf 'error: %s\n' "$*" >&2
  exit "${FAIL_CODE:-1}"
}

# The Python that has the project installed: $PYTHON, else the checkout's .venv, else python3.
project_python() {
  local candidate="${PYTHON:-}"
  if [[ -z "$candidate" && -x "$REPO_ROOT/.venv/bin/python" ]]; then
    candidate="$REPO_ROOT/.venv/bin/python"
  fi
  candidate="${candidate:-$(command -v python3 || true)}"
  [[ -n "$candidate" ]] || fail "no Python found: run 'make install' (creates .venv) or set PYTHON"
  printf '%s\n' "$candidate"
}

# terraform_output NAME: a root-module output of the applied deployment, or empty when unavailable.
terraform_output() {
  command -v terraform >/dev/null 2>&1 || return 0
  [[ -d "$REPO_ROOT/terraform/.terraform" || -n "${TF_DATA_DIR:-}" ]] || return 0
  terraform -chdir="$REPO_ROOT/terraform" output -raw "$1" 2>/dev/null || true
}
