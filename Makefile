# Two entry points for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup lint clean

$(BIN)/cpms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/cpms

setup: $(BIN)/cpms
	$(BIN)/cpms db install

run: setup
	$(BIN)/cpms up

test: setup
	$(BIN)/python -m pytest

LINTED := service ontology matchers bulk common seed_data tests benchmarks

lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy $(LINTED)

clean:
	rm -rf $(VENV) .cpms .pytest_cache .mypy_cache
