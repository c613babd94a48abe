# The two commands a newcomer needs: `make run` and `make test`. Everything they need, from
# Debian packages to the virtualenv, is installed here when missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO ?= 1
# The suite runs on every core (pytest-xdist; each worker starts its own PostgreSQL cluster).
# `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

# Debian packages: PostgreSQL server binaries (the suite's second database), poppler-utils
# (pdftotext/pdftoppm check the PDFs), the CJK fonts the PDFs are set in, HarfBuzz's
# subsetter, without which WeasyPrint cuts the 26 MB CJK font with fontTools (~7 s a PDF), and
# Chromium for the browser tests (driven by Playwright through its executable path; no
# browser download), and redis-server, which the tests of the job queue's Redis backend start.
# `make run` starts a job worker (SQLite queue, no server) beside the web server.
.PHONY: run test lint format bench system-deps install migrate translations clean

system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
	  || missing="$$missing postgresql"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	fc-list 2>/dev/null | grep -qi 'Noto Serif CJK' || missing="$$missing fonts-noto-cjk"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/*/libharfbuzz-subset.so.0 /usr/lib/libharfbuzz-subset.so.0 2>/dev/null \
	  | grep -q . || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends \
	    $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# Compiled catalogs (.mo) are build output, not source: made here from the committed .po files.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard competition/translations/*/LC_MESSAGES/messages.po))

competition/translations/%/LC_MESSAGES/messages.mo: competition/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -d competition/translations -l $* -i $< -o $@

install: system-deps $(VENV)/.installed $(CATALOGS)

migrate: install
	COMPETITION_ENV=$${COMPETITION_ENV:-development} $(BIN)/flask --app wsgi db upgrade

run: migrate
	@export COMPETITION_ENV=$${COMPETITION_ENV:-development}; \
	if [ "$(DEMO)" != "0" ]; then $(BIN)/flask --app wsgi demo load --if-empty; fi; \
	$(BIN)/flask --app wsgi jobs worker --threads 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmarks, each printing its figures next to its target (bench/baseline_app.py,
# app_row.py and mark_floor.py are the load benchmark's baseline and references, served by it,
# not benchmarks of their own).
BENCHES := bench/load.py bench/rankings.py bench/documents.py bench/big_batch.py bench/warm_start.py \
	bench/board.py
bench: install
	@for script in $(BENCHES); do echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

# Extract messages from code and templates, update the English catalog, compile every catalog.
translations: install
	$(BIN)/pybabel -q extract -F competition/translations/babel.cfg -k lazy_gettext -k N_ \
	  --sort-by-file --no-wrap -o competition/translations/messages.pot .
	if [ -f competition/translations/en/LC_MESSAGES/messages.po ]; then \
	  $(BIN)/pybabel -q update --no-wrap --ignore-obsolete -N -i competition/translations/messages.pot \
	    -d competition/translations; \
	else \
	  $(BIN)/pybabel -q init --no-wrap -i competition/translations/messages.pot \
	    -d competition/translations -l en; \
	fi
	$(BIN)/pybabel -q compile -d competition/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
