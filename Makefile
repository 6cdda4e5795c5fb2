# ecslab: the two commands a user needs are `make lab` and `make test`.
# Every target is idempotent; the second run is fast.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What each job installed: the runtime (`make lab`), then the test and lint tools on top.
RUNTIME := $(VENV)/.runtime-installed
TESTING := $(VENV)/.test-installed
# The Terraform ecslab runs (PATH, else the one `ecslab terraform-check` put in .venv/bin).
TERRAFORM = $$($(BIN)/python -c 'from ecslab.tf.providers import terraform_binary as t; print(t())')

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The venv itself; Debian and Ubuntu ship `venv` in a package of its own.
$(BIN)/pip:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Cannot create $(VENV): install python3-venv (sudo apt-get install python3-venv)" >&2; exit 1; }

# Exact versions with their hashes (requirements*.txt, from `make lock`); then ecslab itself.
$(RUNTIME): requirements.txt pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(TESTING): requirements-test.txt $(RUNTIME)
	$(BIN)/pip install -q --require-hashes -r requirements-test.txt
	touch $@

.PHONY: venv
venv: $(RUNTIME) ## Create .venv with ecslab and its pinned runtime dependencies

.PHONY: system-deps
system-deps: ## Install the Debian package the lab needs (nginx), if missing
	@bash scripts/system-deps.sh lab

# The proxy of the classroom test's JupyterHub (tests/test_hub.py), from npm, exactly as
# tests/classroom/package-lock.json pins it (versions and integrity hashes).
PROXY := $(VENV)/classroom/node_modules/.bin/configurable-http-proxy
$(PROXY): tests/classroom/package.json tests/classroom/package-lock.json | $(BIN)/pip
	mkdir -p $(VENV)/classroom
	cp tests/classroom/package.json tests/classroom/package-lock.json $(VENV)/classroom/
	cd $(VENV)/classroom && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: test-deps
test-deps: $(TESTING) ## Install the test tools into .venv and the test-only Debian packages, if missing
	@bash scripts/system-deps.sh test
	@$(MAKE) --no-print-directory $(PROXY)

.PHONY: lock
lock: ## Re-resolve the lock files (requirements*.txt, binder's) from pyproject.toml, on PyPI
	PYTHON=$(PYTHON) bash scripts/lock.sh

.PHONY: terraform
terraform: $(RUNTIME) ## Make sure a Terraform >= 1.9 is available (installs a pinned one into .venv if allowed)
	@$(BIN)/ecslab terraform-check

.PHONY: lab
lab: $(RUNTIME) system-deps terraform ## Set up, start the local cloud, open JupyterLab on your desk (desk/)
	$(BIN)/ecslab lab -- $(JUPYTER_ARGS)

.PHONY: lint
lint: test-deps terraform ## Ruff (lint + format check), mypy, terraform fmt, shellcheck
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	TF_CLI_CONFIG_FILE=/dev/null $(TERRAFORM) fmt -check -recursive terraform
	shellcheck .ci/run scripts/*.sh binder/postBuild binder/start

.PHONY: labs
labs: $(RUNTIME) ## Regenerate the editions (solutions/ja/) and labs/ from solutions/
	$(BIN)/python -m ecslab.authoring.editions
	$(BIN)/python -m ecslab.authoring.release

.PHONY: catalogs
catalogs: $(RUNTIME) ## Extract the package's texts into its gettext catalogs (src/ecslab/locale), compile them
	$(BIN)/python -m ecslab.authoring.catalogs

.PHONY: editions
editions: $(RUNTIME) ## Update the notebooks' prose catalogs (solutions/locale) and write the editions (solutions/ja)
	$(BIN)/python -m ecslab.authoring.editions

.PHONY: solutions
solutions: $(TESTING) snapshots ## Re-run solutions/ (both editions) for real (a local cloud of their own), store outputs, rebuild labs/
	$(BIN)/python -m ecslab.authoring.editions
	$(BIN)/python -m ecslab.authoring.run
	$(BIN)/python -m ecslab.authoring.release

.PHONY: snapshots
snapshots: $(RUNTIME) terraform ## Record the section starts this version lacks (real applies, once; setups then restore them; pytest records its own)
	$(BIN)/ecslab snapshot record

.PHONY: test
test: test-deps terraform lint ## Set up and run every test (unit, integration, notebooks, browser)
	$(BIN)/python -m ecslab.authoring.catalogs --verify-only
	$(BIN)/python -m ecslab.authoring.editions --verify-only
	$(BIN)/python -m ecslab.authoring.release --verify-only
	$(BIN)/pytest -n 2 --dist loadscope

.PHONY: bench
bench: $(TESTING) snapshots ## Run the benchmarks (bench/*.py) and print their numbers
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

.PHONY: down
down: ## Stop the local cloud
	-$(BIN)/ecslab down

.PHONY: clean
clean: down ## Remove the venv, local cloud state and caches (never the workspace)
	rm -rf $(VENV) .ecslab .pytest_cache .mypy_cache .ruff_cache
