# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test test-slow test-e2e-postgresql lint wheel bench eval eval-links reports-check clean

$(STAMP): pyproject.toml setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Benchmark-only packages (baselines to compare against) stay out of the test environment's install.
$(BENCH_STAMP): $(STAMP)
	$(PIP) install -q -c constraints.txt -e ".[dev,bench]"
	touch $(BENCH_STAMP)

# Live with TELEGRAM_BOT_TOKEN set; otherwise the terminal shell against the local sandbox.
run: $(STAMP)
	$(VENV)/bin/luoshi db upgrade
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(VENV)/bin/luoshi run; else $(VENV)/bin/luoshi shell; fi

# The default suite (slow tests are excluded; CI runs them separately).
test: $(STAMP)
	$(PY) -m pytest -m "not slow" -q

# The slow tests (crashes, load, the installed wheel).
test-slow: $(STAMP)
	$(PY) -m pytest -m slow -q

# The end-to-end tests again with the bot on PostgreSQL (the server LUOSHI_TEST_DATABASE_URL names).
test-e2e-postgresql: $(STAMP)
	LUOSHI_TEST_E2E_DATABASE=postgresql $(PY) -m pytest tests/e2e -m "not slow" -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# A wheel in dist/ (config/ and migrations/ inside its packages: setup.py). build/ goes first: setuptools would pack
# a module left there even after it was deleted from the source.
wheel: $(STAMP)
	rm -rf build dist
	$(PIP) wheel -q --no-deps --no-build-isolation -w dist .

bench: $(BENCH_STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

# Extraction scored against the dev corpus, when the shared corpus sits beside the repository.
CORPUS ?= ../shared/corpus/dev
eval: $(STAMP)
	@if [ ! -d "$(CORPUS)" ]; then echo "eval: no corpus at $(CORPUS); nothing to score"; exit 0; fi; \
	rm -rf eval-out && $(VENV)/bin/luoshi extract "$(CORPUS)" --out eval-out && \
	$(PY) ../shared/eval/score.py --gold "$(CORPUS)" --pred eval-out

# Progress links (facts of later articles on commitments of earlier ones) scored against the dev corpus.
eval-links: $(STAMP)
	@if [ ! -d "$(CORPUS)" ]; then echo "eval-links: no corpus at $(CORPUS); nothing to score"; exit 0; fi; \
	rm -rf eval-out && $(VENV)/bin/luoshi extract "$(CORPUS)" --out eval-out >/dev/null && \
	$(VENV)/bin/luoshi link "$(CORPUS)" --out eval-out/links.json && \
	$(PY) ../shared/eval/score.py --gold "$(CORPUS)" --pred eval-out --links eval-out/links.json

# Whole government work reports: every main target found with its year's deadline, and the review dated in the past.
REPORTS ?= ../shared/corpus/reports
reports-check: $(STAMP)
	@if [ ! -d "$(REPORTS)" ]; then echo "reports-check: no reports at $(REPORTS); nothing to check"; exit 0; fi; \
	rm -rf reports-out && $(VENV)/bin/luoshi extract "$(REPORTS)" --out reports-out >/dev/null && \
	$(PY) ../shared/eval/reports_check.py "$(REPORTS)" reports-out

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
