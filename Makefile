# The project's few commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help setup build stats serve test lint bench bench-build bench-pages clean

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	bash scripts/fetch-allocator.sh $(VENV)
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with its test tools

build: setup  ## build data/build/ from data/contrats/
	$(BIN)/cvkg build

stats: setup  ## counts per contract and class
	$(BIN)/cvkg stats

serve: setup  ## build if needed and serve on http://127.0.0.1:8000/
	$(BIN)/cvkg serve

test: setup  ## install the test browser if missing, then run the whole suite
	bash scripts/install-browser.sh
	$(BIN)/pytest -q

lint:  setup ## ruff (lint and format check) and mypy
	$(BIN)/ruff check app tests benchmarks
	$(BIN)/ruff format --check app tests benchmarks
	$(BIN)/mypy

N ?= 500
VIRTUOSO ?=
bench: setup  ## this endpoint vs Oxigraph's server (+ Virtuoso when installed, or VIRTUOSO=url) on N synthetic contracts
	$(BIN)/python benchmarks/bench_endpoint.py --contracts $(N) $(if $(VIRTUOSO),--virtuoso $(VIRTUOSO),) $(if $(STORE),--store $(STORE),) $(if $(STORE_MODE),--store-mode $(STORE_MODE),)
	$(BIN)/python benchmarks/api_queries.py --contracts $(N)

bench-build: setup  ## whole build of N synthetic contract files, then after one file changes
	$(BIN)/python benchmarks/bench_build.py --contracts $(N)

URL ?= http://127.0.0.1:8000
bench-pages: setup  ## every kind of page of a running server (URL=…), timed
	$(BIN)/python benchmarks/bench_pages.py --url $(URL)

clean:  ## remove build output and the local store
	rm -rf data/build var
