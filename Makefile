# kashcorpus: `make dataset` and `make test` set everything up on a fresh machine (Python 3.11 + make).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= dist/dataset
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: bench all dataset lint test test-quick test-thorough test-integration validate build summary fmt docs clean distclean

all: dataset

$(BIN)/.installed: requirements.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=python3"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

venv: $(BIN)/.installed

validate: $(BIN)/.installed
	$(BIN)/kashcorpus validate

build: $(BIN)/.installed
	$(BIN)/kashcorpus build --out $(OUT) $(if $(REPO_ID),--repo-id $(REPO_ID))

summary: $(BIN)/.installed
	$(BIN)/kashcorpus summary $(OUT)

dataset: validate build summary

fmt: $(BIN)/.installed
	$(BIN)/kashcorpus fmt

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q -m "not integration"

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench baselines
	$(BIN)/mypy

test-quick: $(BIN)/.installed
	$(BIN)/python -m pytest -q -m "not integration and not slow"

test-thorough: $(BIN)/.installed
	$(BIN)/python -m pytest -q -m "not integration" --hypothesis-profile=thorough

test-integration: $(BIN)/.installed
	$(BIN)/python -m pytest -q -m integration

# every generated block of the docs (statistics, agreement, inventory, baselines, codes, invariants) from the data
docs: $(BIN)/.installed
	$(BIN)/kashcorpus docs --write

.PHONY: integrity
integrity: $(BIN)/.installed
	$(BIN)/kashcorpus integrity --write docs/integrity.md

clean:
	rm -rf dist build .pytest_cache .hypothesis

distclean: clean
	rm -rf $(VENV)

# the benchmark (docs/performance.md): the quick profile (under 5 minutes on 2 cores), or PROFILE=full (100,000
# documents, about 45 minutes); both write bench/results/<profile>.json and the table of docs/performance.md
PROFILE ?= quick
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py --profile $(PROFILE) --write-doc docs/performance.md

.PHONY: bench-full
bench-full:
	$(MAKE) bench PROFILE=full

.PHONY: baselines
baselines: $(BIN)/.installed
	$(BIN)/python baselines/run.py --out dist/baselines

# -- release (docs/release.md) -------------------------------------------------------------
.PHONY: wheel version-check publish
BASE ?= HEAD~1

wheel: $(BIN)/.installed
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w dist .

version-check: $(BIN)/.installed
	$(BIN)/kashcorpus diff --check-version $(BASE)

publish: validate build
	@test -n "$(REPO_ID)" || { echo "usage: make publish REPO_ID=ORG/NAME"; exit 2; }
	HF_HUB_OFFLINE=0 $(BIN)/kashcorpus publish $(OUT) --repo-id $(REPO_ID) --tag v$$($(BIN)/python -c 'import kashcorpus; print(kashcorpus.__version__)')

.PHONY: view
view: $(BIN)/.installed
	$(BIN)/kashcorpus view --out dist/site
