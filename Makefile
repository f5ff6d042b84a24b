# One command to set up and run each job on a fresh machine (Python 3.10-3.13 on PATH).
#
# One virtual environment, two stamps: `make demo` installs only the package and its runtime
# dependencies (matplotlib, tqdm, graphviz), so seeing a network train needs no test or docs
# tool; `make test` (and every other job) adds the `dev` and `docs` extras to the same .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP     := $(VENV)/.installed-dev

.PHONY: demo test lint bench docs docs-serve notebooks messages clean playground

# pip 21.3 is the first to install a pyproject-only package in editable mode; the pip that
# Python 3.10.0 ships is older. The requirement is satisfied offline by any newer pip.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q 'pip>=21.3'

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,docs]'
	touch $@ $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)  ## train an MLP on two moons; plots go to out/
	$(BIN)/micrograd demo --out out

test: $(DEV_STAMP)  ## lint, then the whole test suite (engine, nn, drawings, notebooks, docs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: $(DEV_STAMP)  ## side by side with micrograd 0.1.0 from PyPI
	$(BIN)/python benchmarks/run.py

docs: $(DEV_STAMP) playground
	$(BIN)/mkdocs build --strict
	rm -rf site/playground/app && cp -r playground/dist site/playground/app  # next to docs/playground.md

playground: $(DEV_STAMP)  ## micrograd in the browser (Pyodide): npm ci, then playground/dist/
	$(BIN)/python playground/build.py --out playground/dist

docs-serve: $(DEV_STAMP)
	$(BIN)/mkdocs serve

notebooks: $(DEV_STAMP)  ## rebuild the course notebooks from notebooks/src/, run them, stamp them
	$(BIN)/python tools/regenerate_notebooks.py

# Translations (micrograd/i18n.py): gather the strings marked _("...") into the template, merge
# them into each language's catalog (translate the new msgstr lines there), compile the .mo.
LOCALE := micrograd/locale
messages: $(DEV_STAMP)  ## extract, update and compile the gettext catalogs (Babel; babel.cfg)
	$(BIN)/pybabel -q extract -F babel.cfg -k tr --add-location=file --sort-by-file -w 100 \
		--project=micrograd-edu --version=0.1.0 -o $(LOCALE)/micrograd.pot .
	$(BIN)/pybabel -q update -i $(LOCALE)/micrograd.pot -d $(LOCALE) -D micrograd -w 100 \
		--ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D micrograd --statistics

clean:
	rm -rf $(VENV) out site .pytest_cache .ruff_cache .hypothesis
