# The two commands a new user needs: `make demo` (install + main job) and `make test` (install + every test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RECORDS ?= 200

# Nothing may phone home: dbt and dlt telemetry off for every target.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: install demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,sandbox]'
	touch $@

install: $(VENV)/.installed

# The main job against the local sandbox: seed it, show it, then sync every system (ingest → dbt → push, in rounds).
# The tour chooses the sandbox for the job (CRM_SYNC_SANDBOX=1): nothing to configure.
demo: install
	$(BIN)/python -m sandbox tour --records $(RECORDS) -- $(BIN)/python -m reverse_etl sync

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The mapping seeds against the systems' schemas first: a mistake is named with file, line and column; then the
# files the seeds declare (per-flow dbt models, dataflow documents) must be what they render.
test: lint
	$(BIN)/python -m reverse_etl check
	$(BIN)/python -m dataflows --check
	$(BIN)/pytest

# Speed, as ratios to baselines measured in the same run; results are explained in benchmarks/RESULTS.md.
# The matching benchmark also needs Splink, the `bench` extra (not part of dev: `make test` does not need it).
$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,sandbox,bench]'
	touch $@

bench: install $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.sandbox_paging --records 100000
	$(BIN)/python -m benchmarks.ingest_speed --records 100000
	$(BIN)/python -m benchmarks.link_quality --records 2000 --results
	$(BIN)/python -m benchmarks.matching_1m --records 1000000 --results
	$(BIN)/python -m benchmarks.push_speed --records 100000 --json benchmarks/out/push_speed.json

clean:
	rm -rf $(VENV) .sandbox target logs .pytest_cache .ruff_cache
