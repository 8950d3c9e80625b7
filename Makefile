# The README's two commands: `make run` and `make test`. Both start from nothing but Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt

.PHONY: run test bench install install-dev lint typecheck pytest messages clean

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP_INSTALL) -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Install, compile the Vietnamese/English catalogues, migrate SQLite under var/, load the
# geography and the demo data (both idempotent: a second run keeps and does not duplicate data),
# then serve. Police two-factor is off here so every demo account can log in at once.
run: $(VENV)/.installed
	TOANDAN_DEBUG=1 $(BIN)/toandan setup
	TOANDAN_DEBUG=1 TOANDAN_POLICE_2FA_REQUIRED=0 TOANDAN_SITE_URL=$${TOANDAN_SITE_URL:-http://$(HOST):$(PORT)} \
	  $(BIN)/toandan serve --host $(HOST) --port $(PORT)

messages: $(VENV)/.installed
	$(BIN)/toandan i18n-compile

# lint-imports: the layer contracts in pyproject.toml ([tool.importlinter]).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy src

# The tests run in parallel, one pytest-xdist worker per core (see --dist in pyproject.toml);
# PYTEST_ARGS comes after, so PYTEST_ARGS="-n 0" runs them in this one process instead. Not
# more workers than cores: each worker makes its own test database and loads the geography
# into it, and on 2 cores 3 workers ran the tips tests slower than 2 (71 s against 61 s).
PYTEST_WORKERS ?= auto

pytest: $(VENV)/.installed-dev messages
	bash scripts/ensure-chromium
	bash scripts/ensure-nginx
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# ruff, mypy and every test, on PostgreSQL when DATABASE_URL says so and SQLite otherwise.
test: lint typecheck pytest

bench: $(VENV)/.installed-dev messages
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/toandan.sqlite3* var/static
