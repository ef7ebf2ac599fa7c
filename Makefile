# make demo: run ltv on the bundled sample. make test: lint and the whole test suite.
# Both create .venv from the repo's own files when it is missing or out of date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help demo test browser bench lint format messages sample-data clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/ltv: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(BIN)/ltv
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/ltv  ## the KPIs and the LTV:CAC verdict of the bundled sample
	$(BIN)/ltv compute sample_data/orders.csv --spend sample_data/spend.csv

# The report test renders the HTML in a real headless browser: Debian's chromium, installed here
# when it is missing and we may (as root); otherwise that one test is skipped with a reason.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "make: could not install chromium; the browser test will be skipped" >&2

$(VENV)/.bench: $(VENV)/.dev
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: $(VENV)/.bench  ## time ltv against DuckDB (BENCH_SIZES=1e6,1e7 BENCH_ROUNDS=5 BENCH_SCALE=1e6,1e7,1e8 LTV_BENCH_DIR=/tmp/ltv-bench)
	$(BIN)/python bench/run.py

test: lint browser  ## lint, then the whole test suite
	@# pytest exits 5 when it collected no test: that is a failure, not a pass
	$(BIN)/python -m pytest; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; exit $$status

lint: $(VENV)/.dev  ## ruff, the import layers (ARCHITECTURE.md) and the type checker
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev  ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every Message("...") and template("...") in ltvcli/ goes into each language's catalog; translate the new
# (empty) entries there: tests/test_messages.py fails on any template without a translation.
messages: $(VENV)/.dev  ## add new message templates to the translations (ltvcli/locale)
	$(BIN)/pybabel -q extract --no-default-keywords -k Message -k template --no-location --sort-output \
	  -o .messages.pot ltvcli
	$(BIN)/pybabel -q update -i .messages.pot -d ltvcli/locale -D ltv --no-fuzzy-matching \
	  --ignore-obsolete --no-wrap --ignore-pot-creation-date
	rm -f .messages.pot

sample-data: $(BIN)/ltv  ## regenerate sample_data/ (deterministic)
	$(BIN)/python scripts/make_sample_data.py

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
