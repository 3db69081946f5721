# ADM: `make run` starts the whole demo system, `make test` runs the whole suite.
# Both set everything up first (system packages, .venv, the package with its extras).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.adm-installed

.PHONY: run test lint typecheck system-deps cups-queue setup bench proof screenshots clean

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "ADM needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,dev]'
	@touch $(STAMP)

cups-queue:
	@bash scripts/cups-queue.sh

run: setup cups-queue
	@bash scripts/run-demo.sh

# Every kiosk screen in both languages and high contrast, into docs/screens/ (stop `make run`
# first: this starts the same demo system on the same port).
screenshots: setup cups-queue
	@ADM_APP_ARGS="--tour docs/screens" bash scripts/run-demo.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check devices kiosk screens server tests bench proof

typecheck: setup
	$(VENV)/bin/mypy devices kiosk server screens

# The suite runs on one worker per core (at most four): most tests wait on real processes,
# ports and printers. PYTEST_WORKERS=-n0 runs it in one process.
PYTEST_WORKERS ?= -n auto --maxprocesses 4 --dist worksteal

test: setup cups-queue lint typecheck
	@url=$$(bash scripts/postgres-test.sh) && ADM_TEST_POSTGRES_URL=$$url $(VENV)/bin/pytest $(PYTEST_WORKERS)

# The long runs of issue 8 (faults, fuzzing, load, soak) and docs/reliability.md with their
# figures; `make test` runs the same harnesses at their short scale.
proof: setup cups-queue
	@url=$$(bash scripts/postgres-test.sh) && ADM_TEST_POSTGRES_URL=$$url $(PY) -m proof

bench: setup
	$(PY) bench/pdf_libraries.py
	$(PY) bench/pdf_render.py
	$(PY) bench/server_load.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache *.egg-info
