# One command to set up and run each job on a fresh machine (Python 3.10-3.13 on PATH).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench docs docs-serve notebooks messages clean

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

docs: $(STAMP)
	$(BIN)/mkdocs build --strict

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve

notebooks: $(STAMP)  ## rebuild the course notebooks from notebooks/src/, run them, stamp them
	$(BIN)/python tools/regenerate_notebooks.py

# Translations (micrograd/i18n.py): gather the strings marked _("...") into the template, merge
# them into each language's catalog (translate the new msgstr lines there), compile the .mo.
LOCALE := micrograd/locale
messages: $(STAMP)  ## extract, update and compile the gettext catalogs (Babel; babel.cfg)
	$(BIN)/pybabel -q extract -F babel.cfg --add-location=file --sort-by-file -w 100 \
		--project=micrograd-edu --version=0.1.0 -o $(LOCALE)/micrograd.pot .
	$(BIN)/pybabel -q update -i $(LOCALE)/micrograd.pot -d $(LOCALE) -D micrograd -w 100 \
		--ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D micrograd --statistics

clean:
	rm -rf $(VENV) out site .pytest_cache .ruff_cache .hypothesis
