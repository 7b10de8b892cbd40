# TOT Insights Hub. `make run` serves the site with the seed data on SQLite;
# `make test` runs the whole test suite. Both set everything up first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run worker test lint format ci check-deploy check-migrations seed clean messages bench-export
.PHONY: serve-prod two-servers backup restore fault-test bench-load front fuzz-thorough

$(STAMP): requirements.txt requirements-dev.txt
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# The task worker (archiving, link checks, submitters' notices) runs beside the
# server in its own process group, and is stopped with everything it started
# when runserver stops, however it stops. It reloads on code changes, as runserver does.
# PORT picks the port (8000). Publishing freezes HUB_SITE_URL (by default this
# server's own address) into every data package: set it to the public address.
run: PORT ?= 8000
run: export HUB_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	@echo "Data packages published now freeze HUB_SITE_URL=$$HUB_SITE_URL into their links;"
	@echo "those published before keep theirs. Set it: HUB_SITE_URL=https://hub.example.org make run"
	@if [ "$${HUB_TASKS_BACKEND:-database}" = database ]; then \
		DJANGO_DEBUG=$${DJANGO_DEBUG:-1} setsid $(PY) manage.py db_worker --reload & worker=$$!; \
		trap 'kill -TERM -'$$worker' 2>/dev/null; wait '$$worker' 2>/dev/null' EXIT; \
		trap 'exit 130' INT TERM; \
		echo "Task worker started (pid $$worker)"; \
	fi; \
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The task worker alone, as production runs it (one or more beside the app servers).
worker: $(STAMP)
	$(PY) manage.py db_worker --no-reload

seed: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds

test: $(STAMP) browser-deps
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium and need CJK fonts for the names in
# Chinese: installed here when missing (as root), as .ci/run does; otherwise a
# clear message says what to install.
.PHONY: browser-deps
browser-deps:
	@if [ ! -x $${HUB_CHROMIUM:-/usr/bin/chromium} ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Chromium and the CJK fonts for the browser tests (apt-get)"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else \
			echo "The browser tests need Debian's Chromium and CJK fonts: sudo apt-get install -y chromium fonts-noto-cjk"; \
			exit 1; \
		fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-extract the Ukrainian catalogue from the code and templates, then compile it.
# Translate the new or changed entries in locale/uk/LC_MESSAGES/django.po (no
# fuzzy or empty msgstr: tests/hub/test_i18n.py checks), run it again and commit
# both the .po and the .mo.
messages: $(STAMP)
	$(PY) manage.py makemessages -l uk --no-obsolete --no-location --ignore=.venv --ignore=bench --ignore=tests \
		--ignore=staticfiles --ignore=var --ignore=artifacts
	$(PY) manage.py compilemessages -l uk --ignore=.venv

check-migrations: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# Production settings must pass Django's deployment checks with no warning.
check-deploy: $(STAMP)
	HUB_PRODUCTION=1 DJANGO_ALLOWED_HOSTS=hub.example.org HUB_CACHE_URL=redis://127.0.0.1:6379/0 \
	HUB_SITE_URL=https://hub.example.org \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(PY) manage.py check --deploy --fail-level WARNING

# CI (.ci/run) runs these, the tests on PostgreSQL and SQLite, and fault-test.
ci: lint check-migrations check-deploy test fault-test

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

# Benchmarks print figures; they are not timed tests. The claims CSV served by the view
# against PostgreSQL's COPY, on BENCH_CLAIMS (default 200000) synthetic claims in their
# own PostgreSQL database, hub_bench (created and filled on first use; see bench/).
# BENCH_ARGS=--profile adds a cProfile run of the export.
bench-export: $(STAMP)
	$(PY) -m bench.bench_export $(BENCH_ARGS)

# Operations (README "Deployment", "Backups", "Faults", "Load") -------------------
# Production settings under gunicorn + whitenoise; reads DJANGO_SECRET_KEY,
# DJANGO_ALLOWED_HOSTS, DATABASE_URL and HUB_CACHE_URL from the environment and
# stops with an example when one is missing. PORT (8001), WORKERS (2).
serve-prod: $(STAMP)
	scripts/serve-prod

# Two instances (PORT_A 8001, PORT_B 8002) on one database and one Redis.
two-servers: $(STAMP)
	scripts/two-servers

# The database (pg_dump -Fc, or SQLite's backup API) and the downloads folder,
# into var/backups/<time>/ (BACKUP_OUT=dir to choose).
backup: $(STAMP)
	$(PY) scripts/backup $(if $(BACKUP_OUT),--out $(BACKUP_OUT))

# make restore BACKUP=var/backups/<time> [FORCE=1]: into DATABASE_URL's database
# and HUB_DOWNLOADS_ROOT; refuses non-empty targets unless FORCE=1.
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=var/backups/<time>"; exit 2; }
	$(PY) scripts/restore $(BACKUP) $(if $(FORCE),--force)

# The production front: nginx (Debian's package, installed when we are root and it
# is missing) on FRONT_PORT (8000) before gunicorn on loopback (PORT 8001), with
# serve-prod's environment; scripts/front/nginx.conf says why each limit.
front: $(STAMP)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { [ "$$(id -u)" = 0 ] \
		&& apt-get install -y -qq nginx-light >/dev/null; } || true
	$(PY) scripts/front.py

# The fault tests, each asserting its pass figures (exit non-zero on a miss):
# publishes killed at six points (hub_fault on the shared PostgreSQL: no restart),
# PostgreSQL restarted under load with the page cache off (in a throwaway cluster
# of its own: scripts/fault/private_cluster.py), and slow clients through the front.
# About two and a half minutes.
fault-test: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || true
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { [ "$$(id -u)" = 0 ] \
		&& apt-get install -y -qq nginx-light >/dev/null; } || true
	@$(PY) scripts/fault/publish_kill.py; publish=$$?; \
	$(PY) scripts/fault/pg_restart.py --private-cluster; restart=$$?; \
	$(PY) scripts/fault/slow_clients.py; slow=$$?; \
	echo "fault-test: publish kills exit $$publish, postgres restart exit $$restart, slow clients exit $$slow"; \
	[ $$restart -eq 0 ] && [ $$publish -eq 0 ] && [ $$slow -eq 0 ]

# The fuzz tests at 2,000 generated cases per endpoint (CI runs the "ci" profile).
fuzz-thorough: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -n $${PYTEST_WORKERS:-auto} tests/hub/test_fuzz.py $(PYTEST_ARGS)

# wrk, 2 threads, 32 connections, 60 s against the firm list and a profile
# (gunicorn, 2 workers, PostgreSQL with the seed data); exits non-zero when a pass figure
# is missed (any error, p95, requests/s). BENCH_LOAD_ARGS=--no-page-cache.
bench-load: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get install -y -qq wrk >/dev/null; } || true
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) scripts/bench_load.py $(BENCH_LOAD_ARGS)

# Search latency (p50/p95 of five queries through the view) and the search page's
# query count, on the same synthetic database as bench-export.
.PHONY: bench-search
bench-search: $(STAMP)
	$(PY) -m bench.bench_search $(BENCH_ARGS)

# Performance (README "Performance"). Builds the synthetic set (1,000,000
# claims; BENCH_CLAIMS etc. to change) in its own PostgreSQL database hub_bench_site
# when absent, serves it with gunicorn (2 workers) and a Redis cache of its own (db 9),
# and prints latency, query counts, wrk throughput against Datasette (installed in
# var/bench-venv), the time to publish 10,000 edits, and a profile. Needs wrk.
# BENCH_ARGS=--quick for a short run; --skip-datasette, --skip-publish.
.PHONY: bench
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) -u -m bench.bench_site $(BENCH_ARGS)
