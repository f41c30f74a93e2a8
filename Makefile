# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STORE := zwgk-data

.PHONY: demo test stress bench clean test-virtuoso

# The venv with zwgk installed editable and its test tools, made again when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77" wheel
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The main job on the samples: load, validate, compare. Validation exits 1 when it finds
# violations (the samples have some); only a status above 1 stops the demo.
ZWGK := $(BIN)/zwgk --store $(DEMO_STORE)

demo: $(STAMP)
	rm -rf $(DEMO_STORE)
	@echo "== 1. load the five sample ledgers / 加载台账 =="
	$(ZWGK) load examples/ledgers
	$(ZWGK) ledgers
	@echo "== 2. validate / 校验完整性 =="
	$(ZWGK) validate --format summary || [ $$? -eq 1 ]
	@echo "== 3. compare jurisdictions / 跨地区比较 =="
	$(ZWGK) query completeness
	$(ZWGK) query requirements-compare
	$(ZWGK) query agency-types
	$(ZWGK) align
	$(ZWGK) compare 2020-4bd17732d6 2020-314af18bf3 | head -20
	$(ZWGK) report -o report.html

# Lint, format and types first (seconds), then the tests. mypy must see the package under its
# name, and the checkout's folder need not be called zwgk: it reads it through a link in the venv.
test: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	mkdir -p $(VENV)/src-link && ln -sfn ../.. $(VENV)/src-link/zwgk
	cd $(VENV)/src-link && ../bin/mypy --config-file ../../pyproject.toml -p zwgk
	$(BIN)/python -m pytest -q -m "not slow"

# The long fuzz and kill loops: the same tests as in `make test`, run for much longer.
stress: $(STAMP)
	$(BIN)/python -m pytest -q -m slow
	ZWGK_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q tests/test_reliability_fuzz.py -m "not slow"

# Installs Debian's virtuoso-opensource if needed, runs it on a fresh database in a temporary
# folder and sends it the same load → query round trip as the embedded store (tests/test_remote.py).
test-virtuoso: $(STAMP)
	command -v virtuoso-t >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource)
	ZWGK_TEST_VIRTUOSO=start $(BIN)/python -m pytest -q -m virtuoso tests/test_remote.py

# The national-scale benchmark (bench/run.py): measurements printed and written to
# bench/results.json, never asserted.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Removes the venv, the demo's store and the packaging leftovers.
clean:
	rm -rf $(VENV) $(DEMO_STORE) build dist *.egg-info
