# The README's two commands: `make run` (the helpdesk with demo data) and `make test`.
# Both work on a fresh clone: uv is installed with pip when missing, the locked environment
# is created in .venv, and nothing is downloaded at run time except packages.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
# Use the Python that .python-version selects on this machine; never fetch one.
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint bench messages sync uv

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

# The locked environment with the dev group (pytest, ruff, Playwright's driver).
sync: uv
	$(UV) sync --frozen

# Web server and task worker with demo data on SQLite in ./var; Ctrl-C stops both.
# Only the runtime packages are needed; --inexact keeps dev tools a `make test` installed.
run: uv
	$(UV) sync --frozen --no-dev --inexact
	$(BIN)/ticketdesk demo

# The whole suite on SQLite; with DATABASE_URL=postgres://... on PostgreSQL.
test: sync
	$(BIN)/pytest $(PYTEST_ARGS)

lint: sync
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# Benchmarks: every tests/bench/bench_*.py (see tests/bench/README.md).
bench: sync
	$(BIN)/pytest tests/bench -o python_files='bench_*.py' -o python_functions='bench_*' -s $(BENCH_ARGS)

# Extract translatable strings into the German and English catalogs and compile them.
# English msgstrs are copied from the msgids; German ones are written by hand (new entries
# stay empty or fuzzy until then, and tests/test_catalogs.py fails until they are done).
messages: sync
	mkdir -p src/ticketdesk/locale
	cd src/ticketdesk && ../../$(BIN)/ticketdesk makemessages --locale de --locale en --no-obsolete
	$(BIN)/python scripts/english_catalog.py
	cd src/ticketdesk && ../../$(BIN)/ticketdesk compilemessages --locale de --locale en
