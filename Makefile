# Two commands on a fresh machine with only Python and make:
#   make lab    set everything up and open the workbook in JupyterLab
#   make test   set everything up and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888

.PHONY: lab test lint notebooks student release bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of extras; they are redone whenever pyproject.toml changes.
$(VENV)/.lab: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[lab]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.bench: pyproject.toml $(VENV)/.dev
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

# `make lab` opens the start page in the language of the system locale; `make lab lang=en` forces one.
lab: $(VENV)/.lab
	@exec $(BIN)/python scripts/lab.py --lang $(or $(lang),auto) --port $(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

test: $(VENV)/.dev
	bash scripts/ensure-debian.sh chromium:chromium bwrap:bubblewrap
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -m "not browser" --timeout=300
	$(BIN)/python -m pytest -m browser --timeout=300

notebooks: $(VENV)/.dev
	$(BIN)/python -m workbook build

# The student edition (no unit sources, hashed self-check), built from the unit sources:
#   make student [out=build/student] [handin=platform|hub]
student: $(VENV)/.lab
	$(BIN)/python -m workbook.edition --out $(or $(out),build/student) $(if $(handin),--handin $(handin))

release: $(VENV)/.lab
	$(BIN)/python -m autograder release --out build/release --lang all

bench: $(VENV)/.bench
	bash scripts/ensure-debian.sh chromium:chromium bwrap:bubblewrap
	$(BIN)/python -m bench

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
