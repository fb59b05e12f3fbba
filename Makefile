# Calmdesk: the README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DATA ?= ../shared/data
export CALMDESK_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test test-services bench lint install install-full clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip setuptools wheel

# The core install: enough to run the desk on SQLite.
$(VENV)/.installed-core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[postgres]'
	touch $@

# Everything the tests and benchmarks use. torch is pinned to the CPU build
# first: an unpinned torch (pulled in by sentence-transformers) would fetch a
# multi-GB CUDA build.
$(VENV)/.installed-full: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q 'torch==2.13.0'
	$(BIN)/pip install -q -e '.[dev,postgres,ml]'
	touch $@ $(VENV)/.installed-core

install: $(VENV)/.installed-core
install-full: $(VENV)/.installed-full

# The demo keeps outgoing email in $(CALMDESK_DATA_DIR)/sent-email instead of printing it.
demo: export CALMDESK_EMAIL_BACKEND ?= file
demo: $(VENV)/.installed-core
	$(BIN)/calmdesk migrate
	$(BIN)/calmdesk demo
	$(BIN)/calmdesk serve --host $(HOST) --port $(PORT)

# Every test. PostgreSQL, Redis and browser tests skip with a reason when
# CALMDESK_TEST_DATABASE_URL / CALMDESK_TEST_REDIS_URL / Chromium are absent.
test: $(VENV)/.installed-full
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(VENV)/.installed-full
	$(BIN)/python bench/analysis.py --data $(DATA)
	$(BIN)/python bench/rules_breakdown.py --data $(DATA)
	$(BIN)/python bench/learned.py --data $(DATA)
	$(BIN)/python bench/coach.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/root_causes.py --data $(DATA)
	$(BIN)/python bench/inbox.py

lint: $(VENV)/.installed-full
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache
