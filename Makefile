# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint typecheck pytest install demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the ledger on http://$(HOST):$(PORT) with the demo territory loaded when the ledger is empty.
run: install
	@mkdir -p var
	$(BIN)/ledger demo --if-empty
	$(BIN)/ledger serve --host $(HOST) --port $(PORT) --print-admin-token

## Lint, type-check and run the whole suite on SQLite and PostgreSQL.
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check ledger labels tests bench
	$(BIN)/ruff format --check ledger labels tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

check: test

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
