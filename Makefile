# ecslab: the two commands a user needs are `make lab` and `make test`.
# Every target is idempotent; the second run is fast.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt -e .
	touch $@

.PHONY: venv
venv: $(STAMP) ## Create .venv with the package and its pinned dependencies

.PHONY: system-deps
system-deps: ## Install the Debian packages the local cloud and tests use (nginx, chromium), if missing
	@bash scripts/system-deps.sh

.PHONY: terraform
terraform: $(STAMP) ## Make sure a Terraform >= 1.9 is available (installs a pinned one into .venv if allowed)
	@$(BIN)/ecslab terraform-check

.PHONY: lab
lab: $(STAMP) system-deps terraform ## Set up, start the local cloud, open JupyterLab on your desk (desk/)
	$(BIN)/ecslab lab -- $(JUPYTER_ARGS)

.PHONY: lint
lint: $(STAMP) ## Ruff (lint + format check), mypy, terraform fmt
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive terraform

.PHONY: labs
labs: $(STAMP) ## Regenerate labs/ from solutions/
	$(BIN)/python -m ecslab.authoring.release

.PHONY: solutions
solutions: $(STAMP) ## Re-run solutions/ for real (a local cloud of their own), store outputs, rebuild labs/
	$(BIN)/python -m ecslab.authoring.run
	$(BIN)/python -m ecslab.authoring.release

.PHONY: test
test: $(STAMP) system-deps terraform lint ## Set up and run every test (unit, integration, notebooks, browser)
	$(BIN)/python -m ecslab.authoring.release --verify-only
	$(BIN)/pytest

.PHONY: bench
bench: $(STAMP) ## Run the benchmarks (bench/*.py) and print their numbers
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

.PHONY: down
down: ## Stop the local cloud
	-$(BIN)/ecslab down

.PHONY: clean
clean: down ## Remove the venv, local cloud state and caches (never the workspace)
	rm -rf $(VENV) .ecslab .pytest_cache .mypy_cache .ruff_cache
