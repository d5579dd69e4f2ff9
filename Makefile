# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test test-all lint bench eval clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[dev,bench]"
	touch $(STAMP)

# Live with TELEGRAM_BOT_TOKEN set; otherwise the terminal shell against the local sandbox.
run: $(STAMP)
	$(VENV)/bin/luoshi db upgrade
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(VENV)/bin/luoshi run; else $(VENV)/bin/luoshi shell; fi

# The default suite (slow tests are excluded; CI runs them separately).
test: $(STAMP)
	$(PY) -m pytest -m "not slow" -q

test-all: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
