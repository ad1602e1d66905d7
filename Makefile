# budgetprognos — everything a fresh machine with Python 3.11 and make needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test report lint lock data bench clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

## Start the main job on the embedded data (the Streamlit app).
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.headless true --browser.gatherUsageStats false

## Run the whole test suite (unit, CLI and end-to-end browser tests).
test: $(STAMP)
	@bash scripts/ensure_chromium.sh
	@bash scripts/ensure_postgres.sh
	@bash scripts/ensure_libreoffice.sh
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

## The follow-up report for the embedded data as of April 2023 (tables, Word and PDF).
report: $(STAMP)
	$(BIN)/budgetprognos rapport --as-of 2023-04 --out rapport_2023-04.xlsx
	$(BIN)/budgetprognos rapport --as-of 2023-04 --out rapport_2023-04.docx
	$(BIN)/budgetprognos rapport --as-of 2023-04 --out rapport_2023-04.pdf

## Regenerate constraints.txt from pyproject.toml (a lock made by a tool, never by hand).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o constraints.txt

## Lint: ruff, the type checker (mypy on forecast, scenarios, cli, ui, app.py; see pyproject)
## and the 60-line limit on functions outside tests, bench, research and data/generate.py.
lint: $(STAMP)
	$(BIN)/ruff check forecast scenarios ui cli app.py tests bench research data scripts
	$(BIN)/mypy
	$(BIN)/python scripts/long_functions.py

## Regenerate the embedded example data (byte-identical on every run).
data: $(STAMP)
	$(BIN)/python data/generate.py

clean:
	rm -rf $(VENV)
