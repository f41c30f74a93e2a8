# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STORE := zwgk-data

.PHONY: demo test stress bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77" wheel
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_STORE)
	$(BIN)/zwgk --store $(DEMO_STORE) load examples/ledgers
	$(BIN)/zwgk --store $(DEMO_STORE) ledgers

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# The long fuzz and kill loops: the same tests as in `make test`, run for much longer.
stress: $(STAMP)
	$(BIN)/python -m pytest -q -m slow
	ZWGK_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q tests/test_reliability_fuzz.py -m "not slow"

clean:
	rm -rf $(VENV) $(DEMO_STORE) build dist *.egg-info
