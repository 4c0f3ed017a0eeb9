# post-call-analytics — every target creates the virtual environment it needs.
# Feature areas add their own targets in mk/*.mk (and extend TEST_TARGETS there).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_QUIET := --quiet --disable-pip-version-check
export PCA_DATA_DIR ?= $(CURDIR)/data

# Targets run by `make test`, in order; mk/*.mk files append to it.
TEST_TARGETS := lint typecheck pytest

.PHONY: help install up test lint format typecheck pytest bench clean

help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install $(PIP_QUIET) -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" ; test $${PIPESTATUS[0]} -eq 0
	@touch $@

install: $(STAMP) ## Create .venv and install the project with its dev tools

up: $(STAMP) ## Run the embedded pipeline end to end (no AWS account needed)
	$(BIN)/pca up

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy --strict on our packages
	$(BIN)/mypy

pytest: $(STAMP) ## Python tests (unit, moto integration, dbt, end to end)
	$(BIN)/pytest -n 2 --dist loadfile

# Benchmarks that also check their targets (exit 1 when one is missed)
BENCH_CHECKED := bench/athena_scan.py

bench: $(STAMP) ## Benchmarks; each prints a side-by-side ratio (those in BENCH_CHECKED also fail on a missed target)
	@status=0; for b in bench/*.py; do \
		echo "== $$b"; \
		case " $(BENCH_CHECKED) " in *" $$b "*) args=--check ;; *) args= ;; esac; \
		$(PY) $$b $$args || status=1; \
	done; exit $$status

clean: ## Remove generated data, build output and caches (keeps .venv)
	rm -rf data build dbt_project/target dbt_project/logs terraform/lambda_packages .pytest_cache .mypy_cache .ruff_cache .hypothesis

-include mk/*.mk

test: $(STAMP) ## Everything CI runs: lint, types, tests, and each area's offline checks
	@set -e; for t in $(TEST_TARGETS); do echo "== make $$t"; $(MAKE) --no-print-directory $$t; done
