# Chalktalk: `make run` for the app on embedded defaults, `make test` for the suite on real services.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
HOST ?= 127.0.0.1
PORT ?= 8000

# The test suite's services (started by scripts/services.sh).
TEST_ENV := CHALKTALK_ENV=test \
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk} \
	REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} \
	CELERY_QUEUE=chalktalk-test-$$$$

.PHONY: run setup test lint format services worker bench clean prod-local load-test

# The marker is written last, so an interrupted `venv` is rebuilt instead of half-used.
$(VENV)/.complete:
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	touch $@

$(STAMPS)/deps: pyproject.toml scripts/requirements.py $(VENV)/.complete
	@mkdir -p $(STAMPS)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) scripts/requirements.py --dev > $(STAMPS)/requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(STAMPS)/requirements.txt
	@touch $@

setup: $(STAMPS)/deps
	bash scripts/build_whiteboard.sh

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_questions
	$(PY) manage.py seed_demo --history 6
	@echo "Chalktalk is starting on http://$(HOST):$(PORT)/ — log in with the demo account printed above"
	$(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --lifespan off

services:
	bash scripts/services.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup services lint
	$(TEST_ENV) $(PY) -m pytest -m "not e2e and not fault" $(PYTEST_ARGS)
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m e2e $(PYTEST_ARGS)
	$(TEST_ENV) $(PY) -m pytest -m fault $(PYTEST_ARGS)

worker: setup
	$(VENV)/bin/celery -A config worker --beat --loglevel=info

# Production settings without Docker: PostgreSQL chalktalk_prod, Redis db 1, a worker and beat in the
# background, uvicorn x2 in the foreground (scripts/prod_local.sh; Ctrl-C stops everything).
prod-local: setup services
	HOST=$(HOST) PORT=$(PORT) bash scripts/prod_local.sh

BENCH_DB := postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk_bench

bench: setup services
	@psql "postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk" -tAc "SELECT 1 FROM pg_database WHERE datname = 'chalktalk_bench'" | grep -q 1 \
		|| psql "postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk" -qc "CREATE DATABASE chalktalk_bench"
	$(TEST_ENV) DATABASE_URL=$(BENCH_DB) $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(STAMPS) db.sqlite3 staticfiles

# Five minutes of 200 autosaving candidates, 20 live interviews and a stream of submissions against
# `scripts/prod_local.sh` (started and stopped by the script), then every confirmed save read back.
load-test: setup services
	$(PY) bench/load_test.py
