# Front door. `make serve` and `make test` set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
MKDOCS  := $(VENV)/bin/mkdocs
HOST    ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT     := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: help setup setup-test serve build validate test lint clean export npm lighthouse bench \
	plain outdated

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Debian's python3 lacks venv until python3-venv is installed.
$(VENV)/.base: pyproject.toml
	@python3 -m venv $(VENV) 2>/dev/null || { $(APT) update -qq && $(APT) install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.test: $(VENV)/.base
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

# Browsers and PDF tools come from Debian: Playwright cannot download its own here.
.PHONY: .system-deps
.system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null && command -v nginx >/dev/null && command -v soffice >/dev/null || { \
	  $(APT) update -qq && $(APT) install -y -qq --no-install-recommends chromium poppler-utils fonts-dejavu-core nginx-light libreoffice-calc-nogui; }

# JavaScript used at build and test time (offline search shim, axe-core, Lighthouse).
node_modules/.stamp: package.json package-lock.json
	@command -v npm >/dev/null || { $(APT) update -qq && $(APT) install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm: node_modules/.stamp

setup: $(VENV)/.base ## Create .venv and install the project

setup-test: $(VENV)/.test .system-deps node_modules/.stamp ## Also install test tools, Chromium, npm tools

serve: setup ## Serve the site with live reload on http://127.0.0.1:8000
	$(MKDOCS) serve --strict -a $(HOST)

validate: setup ## Check docs/data/*.yaml and references.bib without building
	$(VENV)/bin/il2ref validate

# Build aside and swap, so a failed build never leaves a half-written site/.
build: setup ## Build site/ with --strict
	@rm -rf .build/site
	$(MKDOCS) build --strict --site-dir .build/site
	@rm -rf site && mv .build/site site
	@echo "built site/"

export: setup-test ## Build every edition into dist/ (offline zip, PDFs, card, EPUB, data)
	$(VENV)/bin/il2ref export

# The second door (issue #29): the same pages as ordinary Markdown, no hook and no plugin, then
# built by Zensical. Publish .build/plain/site/ to serve it (docs/editors.md).
plain: setup-test ## Plain Markdown in .build/plain/ (and -offline/), built by Zensical into their site/
	$(VENV)/bin/il2ref plain
	$(VENV)/bin/zensical build --clean -f .build/plain/mkdocs.yml
	$(VENV)/bin/il2ref plain --offline
	$(VENV)/bin/zensical build --clean -f .build/plain-offline/mkdocs.yml
	@echo "built .build/plain/site/ and .build/plain-offline/site/ (opens from file://)"

# Informs a maintainer; never fails (a new release is a task, not a broken build).
outdated: setup-test ## List the dependencies with a newer release, inside or past their pins
	-@$(VENV)/bin/il2ref outdated

bench: setup-test ## Build benchmark (real site, 1,000 and 10,000 excerpts) and search benchmark into bench/ (several minutes)
	$(VENV)/bin/il2ref bench

lighthouse: setup-test ## Lighthouse mobile scores (served by nginx with gzip) into bench/
	$(VENV)/bin/il2ref lighthouse

test: setup-test ## Run the whole test suite (builds the real site, drives Chromium)
	# Two workers, each file's tests in one of them, the exported files' tests in one (the
	# export is built once): see tests/conftest.py.
	$(PY) -m pytest -n 2 --dist loadfile

lint: setup-test ## ruff, mypy and the import-linter layer contract
	$(VENV)/bin/ruff check scripts tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean: ## Remove build outputs and the virtualenv
	rm -rf site .build .cache dist $(VENV)
