# Lightbulb. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
DEMO_SEED ?= 2026
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help lock run test setup assets system-deps migrate demo lint types imports-check test-sqlite test-postgres test-deployment test-browser postgres bench load clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# requirements.txt and requirements-dev.txt say what we depend on, pinned; requirements.lock (made by
# `make lock`) pins everything they bring in too, with hashes, and is what gets installed.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

lock: ## Remake requirements.lock (every package, pinned with hashes) after changing requirements*.txt
	@test -x var/pip-tools/bin/pip-compile || { $(PYTHON) -m venv var/pip-tools && var/pip-tools/bin/pip install --quiet pip-tools; }
	var/pip-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --output-file requirements.lock requirements-dev.txt
	var/pip-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --output-file requirements-runtime.lock requirements.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lightbulb/static/dist/.built: node_modules/.installed $(shell find frontend -type f 2>/dev/null)
	npm run build --silent
	@touch $@

setup: $(VENV)/.installed lightbulb/static/dist/.built ## Install Python and npm packages and build the assets
	@mkdir -p var

assets: lightbulb/static/dist/.built ## Build the front-end assets

migrate: setup ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the Anytown demo council (once: delete var/lightbulb.sqlite3 to start again)
	$(PY) manage.py seed_demo --scale council --seed $(DEMO_SEED) --if-empty

# Each process runs in its own process group (set -m), so stopping the group also
# stops runserver's auto-reloading child. Ctrl-C, or either process ending, stops both.
run: demo ## Set everything up, start the web app, the worker and the daily scheduler, print the sign-ins
	@export SITE_URL=http://127.0.0.1:$(PORT); set -m; \
	  $(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	  $(PY) manage.py run_scheduler & scheduler=$$!; \
	  $(PY) manage.py runserver 0.0.0.0:$(PORT) & server=$$!; \
	  trap 'kill -TERM -- -$$worker -$$scheduler -$$server 2>/dev/null; wait' EXIT INT TERM; \
	  $(PY) manage.py demo_signins --port $(PORT) --wait 120; \
	  wait -n

system-deps: ## Debian packages the tests need (Chromium, fonts, PDF tools), if missing
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi liberation; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation libharfbuzz-subset0 poppler-utils >/dev/null; \
	  else echo "Install chromium fonts-liberation libharfbuzz-subset0 poppler-utils (Debian packages) for the browser tests"; exit 1; fi; \
	fi

postgres: ## Start the local PostgreSQL if none answers on 127.0.0.1:5432
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -1) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

lint: setup ## ruff lint and format check, and no function over complexity 12 counting and/or (radon)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/check_complexity.py lightbulb config

types: setup ## mypy
	$(VENV)/bin/mypy config lightbulb

imports-check: setup ## import-linter contracts
	$(VENV)/bin/lint-imports

test-sqlite: setup ## The suite on SQLite
	$(PY) -m pytest -m "not browser and not deployment" -n 2 -q

test-postgres: setup postgres ## The suite on PostgreSQL
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser and not deployment" -n 2 -q

test-deployment: setup postgres ## docs/deployment.md run as written, on a fresh PostgreSQL database
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m deployment -n 2 -q tests/deployment

test-browser: setup system-deps ## Browser and accessibility tests (Playwright + Chromium + axe)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser -q -n 2 tests/browser

test: setup system-deps lint types imports-check test-sqlite test-postgres test-deployment test-browser ## Every check: lint, types, contracts, SQLite, PostgreSQL, deployment, browser
	@echo "All checks passed."

bench: setup postgres ## Page times at city scale (BENCH_ARGS="--scale national"), then the register extract import beside COPY (REGISTER_ARGS="--rows 100000")
	DATABASE_URL=$(PG_URL) $(PY) benchmarks/run.py $(BENCH_ARGS)
	DATABASE_URL=$(PG_URL) $(PY) benchmarks/charity_register.py $(REGISTER_ARGS)

load: setup postgres ## Mixed load (locust, 50 users) on gunicorn and the worker at city scale, beside the empty view (LOAD_ARGS="--soak" for 10 minutes)
	DATABASE_URL=$(PG_URL) $(PY) benchmarks/load.py $(LOAD_ARGS)

clean: ## Remove the virtualenv, node_modules, built assets and local databases
	rm -rf $(VENV) node_modules lightbulb/static/dist var
