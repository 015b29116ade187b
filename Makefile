# Every target does its own set-up: a fresh clone needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo dev test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo: start the sandbox Keap, log in with OAuth, materialize reports through Dagster, print rows
demo: install
	$(BIN)/infusionsoft-assets demo

## make dev: the Dagster UI (http://127.0.0.1:3000) on the sandbox, DAGSTER_HOME=.dagster_home
dev: install
	$(BIN)/infusionsoft-assets dev

## make test: the whole suite (sandbox over loopback HTTP, real DuckDB files, real Dagster instances)
test: install
	$(BIN)/python -m pytest

## make bench: benchmarks (print ratios measured in one run)
bench: install
	$(BIN)/python bench/ingest_contacts.py
	$(BIN)/python bench/row_path.py
	$(BIN)/python bench/instance_storage.py
	$(BIN)/python bench/sandbox_page_cost.py

clean:
	rm -rf $(VENV) data/demo .dagster_home .pytest_cache
