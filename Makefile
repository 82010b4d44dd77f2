# Two commands for a newcomer: `make run` (the portal on demo data) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench serve freeze clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Links in the demo's emails and QR codes point where the portal runs, unless told otherwise.
DEMO_ENV = DEMO_MODE=1 PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}"

run: $(STAMP)
	$(DEMO_ENV) $(FLASK) demo prepare --host $(HOST) --port $(PORT)
	$(DEMO_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Production-style serving; configure it with the environment (see docs/despliegue.md). Only
# what the portal needs to run: no test tools on a server.
RUNTIME := $(VENV)/.runtime
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

serve: $(RUNTIME)
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py "app:create_app()"

BENCHMARKS := curp import_registry registry_scale pageweight widget_weight pdf load

bench: $(STAMP)
	@for name in $(BENCHMARKS); do echo "== bench/$$name.py"; $(BIN)/python bench/$$name.py || exit 1; done

# The static export in build/ (see blueprints/freeze.py). DEMO_MODE comes from the environment
# like everywhere else: without it the pages carry no demo banner and no links to /demo. The
# export signs nothing (its pages hold no session, form token or signed link), so it needs no
# SECRET_KEY: when none is set it runs with a throwaway one rather than asking for it.
freeze: $(STAMP)
	SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')}" \
		$(FLASK) freeze

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
