# TOT Insights Hub. `make run` serves the site with the seed data on SQLite;
# `make test` runs the whole test suite. Both set everything up first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint format ci check-deploy check-migrations seed clean messages bench-export

$(STAMP): requirements.txt requirements-dev.txt
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

seed: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

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
	$(PY) manage.py makemessages -l uk --no-obsolete --ignore=.venv --ignore=bench --ignore=tests \
		--ignore=staticfiles --ignore=var --ignore=artifacts
	$(PY) manage.py compilemessages -l uk --ignore=.venv

check-migrations: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# Production settings must pass Django's deployment checks with no warning.
check-deploy: $(STAMP)
	HUB_PRODUCTION=1 DJANGO_ALLOWED_HOSTS=hub.example.org \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(PY) manage.py check --deploy --fail-level WARNING

ci: lint check-migrations check-deploy test

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

# Benchmarks print figures; they are not timed tests. The claims CSV served by the view
# against PostgreSQL's COPY, on BENCH_CLAIMS (default 200000) synthetic claims in their
# own PostgreSQL database, hub_bench (created and filled on first use; see bench/).
# BENCH_ARGS=--profile adds a cProfile run of the export.
bench-export: $(STAMP)
	$(PY) -m bench.bench_export $(BENCH_ARGS)
