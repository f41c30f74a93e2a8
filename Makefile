# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STORE := zwgk-data

.PHONY: demo test stress bench clean test-virtuoso

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
# Installs Debian's virtuoso-opensource if needed, runs it on a fresh database in a temporary
# folder and sends it the same load → query round trip as the embedded store (tests/test_remote.py).
test-virtuoso: $(STAMP)
	command -v virtuoso-t >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource)
	ZWGK_TEST_VIRTUOSO=start $(BIN)/python -m pytest -q -m virtuoso tests/test_remote.py

stress: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python bench/run.py
	ZWGK_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q tests/test_reliability_fuzz.py -m "not slow"

clean:
	rm -rf $(VENV) $(DEMO_STORE) build dist *.egg-info
