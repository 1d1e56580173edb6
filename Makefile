# The one entry point: `make run`, `make test`, `make bench`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DJANGO_SETTINGS_MODULE ?= config.settings

.PHONY: setup run test test-fast lint format migrate demo bench backup restore loadtest clean messages

# Apps that own a translation catalogue in <app>/locale (the rest share locale/).
CATALOGUE_APPS := credit licensing supervision inspections penalties documents oversight

$(STAMP): pyproject.toml constraints.txt
	./scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages -v0 --ignore=.venv; fi
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py setup_periodic_tasks

demo: setup
	$(BIN)/python manage.py seed_demo

run: demo
	./scripts/run.sh

test: setup
	./scripts/setup-system.sh --browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/pytest -x -q -m "not browser" $(PYTEST_ARGS)

# The benchmark suite (docs/benchmarks.md): PostgreSQL from DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/licensing_bench, created, migrated and seeded (seed_scale) when
# missing; writes docs/benchmarks.md. Never part of make test. BENCH_ARGS="--runs 30 --only workbench".
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=static \
	  $(foreach a,$(CATALOGUE_APPS),--ignore=$(a))
	for a in $(CATALOGUE_APPS); do \
	  if [ -d $$a ]; then mkdir -p $$a/locale && (cd $$a && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete --no-location); fi; \
	done
	$(BIN)/python scripts/po_fill.py --missing >/dev/null || echo "untranslated strings: run scripts/po_fill.py --missing"

loadtest: demo
	$(BIN)/python scripts/loadtest.py --users $${LOAD_USERS:-50} --seconds $${LOAD_SECONDS:-60}

backup: $(STAMP)
	./scripts/backup.sh $(BACKUP)

restore: $(STAMP)
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=var/backups/<timestamp>" && exit 2)
	./scripts/restore.sh $(BACKUP)

clean:
	rm -rf var test-artifacts .pytest_cache
