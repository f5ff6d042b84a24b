# One command to set up and run each job on a fresh machine (Python 3.10-3.13 on PATH).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench docs docs-serve notebooks clean playground

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,docs]'
	touch $(STAMP)

demo: $(STAMP)  ## train an MLP on two moons; plots go to out/
	$(BIN)/micrograd demo --out out

test: $(STAMP)  ## lint, then the whole test suite (engine, nn, drawings, notebooks, docs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: $(STAMP)  ## side by side with micrograd 0.1.0 from PyPI
	$(BIN)/python benchmarks/run.py

docs: $(STAMP) playground
	$(BIN)/mkdocs build --strict
	rm -rf site/playground/app && cp -r playground/dist site/playground/app  # next to docs/playground.md

playground: $(STAMP)  ## micrograd in the browser (Pyodide): npm ci, then playground/dist/
	$(BIN)/python playground/build.py --out playground/dist

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve

notebooks: $(STAMP)  ## rebuild the course notebooks from notebooks/src/, run them, stamp them
	$(BIN)/python tools/regenerate_notebooks.py

clean:
	rm -rf $(VENV) out site .pytest_cache .ruff_cache .hypothesis
