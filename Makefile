# Quick start: `make run` serves the demo, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench check-pack messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/dutyloop db upgrade
	$(BIN)/dutyloop demo --if-empty
	$(BIN)/dutyloop serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/logic_bench.py
	$(BIN)/python bench/forms_bench.py

check-pack: install
	$(BIN)/dutyloop pack check .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

messages: install
	$(BIN)/python tools/i18n.py update
