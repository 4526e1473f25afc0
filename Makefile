# Two commands from a fresh clone: `make cycle` and `make test`.
# Each creates the virtual environment (.venv) when missing or outdated.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CYCLE  ?= echantillon
PARAMS ?=

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export MPLBACKEND := Agg

.PHONY: env cycle test lint bench sample clean-env

env: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 est requis (trouvé : %s)" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

cycle: $(STAMP)
	$(BIN)/areas cycle run --cycle $(CYCLE) --params $(if $(PARAMS),$(PARAMS),notebooks/params/echantillon.yaml)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check areas_analysis tests benchmarks

bench: $(STAMP)   # long: theme engine against human codes and baselines, scale, pseudonymiser recall
	$(BIN)/python benchmarks/bench_discover.py
	$(BIN)/python benchmarks/bench_coding.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/privacy_recall.py
	$(BIN)/python benchmarks/report_print.py --run-sample   # needs chromium + poppler-utils (apt)
	$(BIN)/python benchmarks/privacy_precision.py
	$(BIN)/python benchmarks/bench_prevalence.py --seeds 8 --splits 2   # ~20 min: corrected prevalence coverage
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_dpper_calibration.py
	$(BIN)/python -m pytest -q -m benchmark   # speed and calibration checks kept out of the default run

sample: $(STAMP)
	$(BIN)/areas sample generate --out data/sample

clean-env:
	rm -rf $(VENV)
