# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The address printed on labels and in QR codes: where `make run` serves, unless set (a phone on
# the local network needs the machine's address: make run HOST=0.0.0.0 LEDGER_PUBLIC_BASE_URL=…).
LEDGER_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
export LEDGER_PUBLIC_BASE_URL

.PHONY: run test check lint typecheck pytest install demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the ledger on http://$(HOST):$(PORT) with the demo territory loaded when the ledger is
## empty; the admin token is kept in var/admin.token and reused at the next start.
run: install
	@mkdir -p var
	LEDGER_DATABASE_URL=$${LEDGER_DATABASE_URL:-sqlite:///$(CURDIR)/var/ledger.db} $(BIN)/ledger demo --if-empty
	LEDGER_DATABASE_URL=$${LEDGER_DATABASE_URL:-sqlite:///$(CURDIR)/var/ledger.db} $(BIN)/ledger serve --host $(HOST) --port $(PORT) --admin-token-file var/admin.token

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
