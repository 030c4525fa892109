# Two entry points for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup lint clean browser vendor-web
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/cpms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/cpms

setup: $(BIN)/cpms
	$(BIN)/cpms db install

run: setup
	$(BIN)/cpms up

# The workbench's browser tests drive Debian's chromium (Playwright's own download is not used).
browser:
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei; }

test: setup browser
	$(BIN)/python -m pytest

# Re-vendor htmx, GraphiQL and React from the npm registry into service/web/static/vendor/ (needs npm).
vendor-web:
	scripts/vendor_web.sh

lint: setup
	$(BIN)/ruff check service ontology matchers seed_data tests benchmarks

clean:
	rm -rf $(VENV) .cpms .pytest_cache
