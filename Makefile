# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate seed lint messages autoclose clean prod-local lock

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

# Every package, dependencies of dependencies included, is pinned with its hashes in the lock
# files (requirements*.txt, compiled from requirements*.in by `make lock`): pip refuses any
# file whose hash is not listed.
$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Serve the Member Area on http://127.0.0.1:8000 with demo data (DEBUG on, SQLite unless
# DATABASE_URL says otherwise, emails printed on this console).
run: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: unit, page, browser and integration tests.
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The checks CI runs before the suite (and .pre-commit-config.yaml runs on each commit).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# The production stack on this machine: gunicorn with production settings, a Celery worker
# and beat, on the local PostgreSQL (database netdigi_local) and Redis (db 1), with an SMTP
# sink that prints every email. Serves http://127.0.0.1:8001 (PROD_PORT=...). See README.
prod-local: install-dev
	deploy/prod-local.sh

# After changing texts: update the Indonesian catalogue (needs GNU gettext), translate the new
# entries of locale/id/LC_MESSAGES/django.po, and compile it (run it again after translating).
messages: install-dev
	DEBUG=$${DEBUG:-true} $(PY) manage.py makemessages -l id
	DEBUG=$${DEBUG:-true} $(PY) manage.py compilemessages -l id

# One auto-close pass (what Celery beat does every few minutes in production).
autoclose: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py autoclose_tickets

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# After adding or changing a line of requirements*.in: compile the lock files again (pip-tools,
# from the dev set). Pins already in a lock file are kept unless the .in files need others;
# `make lock LOCK_ARGS=--upgrade` moves every dependency to its newest allowed version.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(LOCK_ARGS)
lock: install-dev
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) --output-file requirements-bench.txt requirements-bench.in

# The performance benchmark (bench/README.md): seeds PostgreSQL databases netdigi_bench_<count>
# once, measures every page with wrk, writes bench/results/. E.g. BENCH_ARGS="--sizes 10000".
.PHONY: bench
bench: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PIP) install --quiet --require-hashes -r requirements-bench.txt
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/broadcast.py $(BROADCAST_ARGS)

# The soak test (bench/soak.py): two gunicorn hosts, two Celery workers, PgBouncer, Redis and an
# S3 server (moto) on this machine, Locust driving 200 customers and staff for 10 minutes;
# writes bench/results/soak.md, soak.json and soak_latency.png. E.g. SOAK_ARGS="--minutes 2".
.PHONY: soak
soak: install-dev
	$(PIP) install --quiet --require-hashes -r requirements-bench.txt
	$(PY) bench/soak.py $(SOAK_ARGS)

# One incident update posted to 5,000 linked tickets: time until every email is out, one
# Celery worker (bench/broadcast.py; its own database, Redis and SMTP sink).
.PHONY: bench-broadcast
bench-broadcast: install-dev
	$(PY) bench/broadcast.py $(BROADCAST_ARGS)
