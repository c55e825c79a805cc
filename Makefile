# Set-up and checks for sluice. `make test` is all a fresh clone needs.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0

.PHONY: run test lint unit bench build validate clean chromium

# `make run` needs only the local cloud's own dependencies; `make test` adds the dev tools
# (linters, SAM CLI, the browser driver).
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/sluice run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml
	$(BIN)/sam validate --lint

# The console's browser test drives Debian's Chromium: installed here when missing (as root);
# Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "chromium is missing and cannot be installed here (not root, or no apt-get):"; \
	    echo "  install it (apt-get install -y chromium), or the console's browser test fails;"; \
	    echo "  SLUICE_SKIP_BROWSER_TESTS=1 skips that test instead."; \
	  fi; }

unit: $(STAMP) chromium
	$(BIN)/pytest

test: lint unit

validate: lint

bench: $(STAMP)
	for bench in tests/benchmarks/bench_*.py; do $(BIN)/python $$bench || exit 1; done

build: $(STAMP)
	$(BIN)/sam build

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache .ruff_cache
