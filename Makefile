# Two entry points for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup lint lock clean

# constraints.txt pins every package to the versions last tested together (`make lock`)
$(BIN)/cpms: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
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

# After `make test` passes with newer packages (`.venv/bin/pip install -U -e ".[test]"`), pin them.
lock:
	{ echo "# The versions last tested together: make lock (pip freeze of .venv)."; \
	  $(BIN)/pip freeze --exclude-editable; } > constraints.txt

clean:
	rm -rf $(VENV) .cpms .pytest_cache .mypy_cache
