# graphc: the two commands of the README.
#   make demo   set up, compile examples/profile.gdl to Keras and PyTorch, train each briefly
#   make test   set up, run the whole test suite
# and for development (docs/testing.md):
#   make test-fast   the tests that need no framework (pytest -m "not slow"), in about a minute on 2 cores
#   make fuzz        100,000 generated and mutated programs through the compiler (FUZZ_N=...)
# Everything installs into .venv (Python 3.10+ and pip are all a fresh machine needs).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml runtime/pyproject.toml | cksum | cut -d' ' -f1)
DEMO := examples/profile.gdl
OUT := out

.PHONY: demo test test-fast fuzz setup bench lint golden parser ops-index dist layers-doc objects-doc clean

$(STAMP): pyproject.toml runtime/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ./runtime -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/graphc check $(DEMO)
	$(VENV)/bin/graphc summary $(DEMO)
	$(VENV)/bin/graphc $(DEMO) --target both -o $(OUT)/
	cd $(OUT) && ../$(PY) profile_keras.py --epochs 1 --steps-per-epoch 2
	cd $(OUT) && ../$(PY) profile_torch.py --epochs 1 --steps-per-epoch 2

# one pytest-xdist worker per core (at most 4: each worker loads TensorFlow and PyTorch);
# a test file runs in one worker, its frameworks on one thread (tests/conftest.py)
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

test: $(STAMP)
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow" -n $(JOBS) --dist loadfile

FUZZ_N ?= 100000
fuzz: $(STAMP)
	$(PY) tests/fuzz.py -n $(FUZZ_N)

lint: $(STAMP)
	$(VENV)/bin/ruff check graphc tests bench
	$(VENV)/bin/ruff format --check graphc tests bench

# the speed ratios of bench/README.md (optimizer step, forward, check), a few minutes
bench: $(STAMP)
	$(PY) bench/run_all.py $(BENCH_ARGS)

# regenerate the parser tables (graphc/grammar/gdl_tables.py) after editing
# graphc/grammar/gdl.lark; tests/test_parser.py fails while they are stale
parser: $(STAMP)
	$(PY) -m graphc.grammar.generate

# regenerate graphc/ops/index.py (which module defines each layer name) after adding a layer
# family or a layer; tests/test_check_fast_path.py fails while it is stale
ops-index: $(STAMP)
	$(PY) -m graphc.tools.ops_index > graphc/ops/index.py

golden: $(STAMP)
	GRAPHC_UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_golden.py

# Source distributions and wheels of graphc and graphc-runtime, in dist/ (RELEASING.md).
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .
	$(PY) -m build --outdir dist runtime

# re-read what keras.layers exports (imports Keras) and regenerate docs/layers.md
layers-doc: $(STAMP)
	$(PY) -m graphc.tools.layer_table --refresh

objects-doc: $(STAMP)
	$(PY) -m graphc.tools.object_table

clean:
	rm -rf $(VENV) $(OUT) build dist *.egg-info runtime/build runtime/*.egg-info
