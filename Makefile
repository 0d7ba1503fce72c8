# Commands for a newcomer: `make demo` and `make test` (and `make compare`).
# They create .venv (Python 3.10+) on first use with the exact versions of
# requirements/constraints.txt. `make test-user-env` runs the suite again in
# a user's stack (torch 2.13, mmcv-lite 2.1.0, mmaction2 1.2.0 from source).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DIR := data/demo
DEMO_WORK := work_dirs/bike_tiny_demo

.PHONY: install demo test test-user-env compare clean

install: $(VENV)/.installed

$(VENV)/.installed: setup.py requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# mmcv is not a dependency of bike_mm (users keep full mmcv or lite)
	$(PY) -m pip install --quiet -c requirements/constraints.txt \
		torch torchvision mmcv-lite -e '.[tests]'
	touch $@

demo: install
	$(PY) tools/generate_demo_dataset.py --out $(DEMO_DIR)
	rm -rf $(DEMO_WORK)
	$(PY) tools/train.py configs/demo/bike_tiny_demo.py --work-dir $(DEMO_WORK)
	@echo '== single view (1 clip x 1 crop) =='
	$(PY) tools/test.py configs/demo/bike_tiny_demo.py \
		$$(cat $(DEMO_WORK)/last_checkpoint) --work-dir $(DEMO_WORK)/test_1x1
	@echo '== multi-view (4 clips x 3 crops) =='
	$(PY) tools/test.py configs/demo/bike_tiny_demo_4x3-views.py \
		$$(cat $(DEMO_WORK)/last_checkpoint) --work-dir $(DEMO_WORK)/test_4x3

# `make compare`: BIKE next to two plain mmaction baselines (TSN and
# TimeSformer, configs/demo/*_demo.py, trained by mmaction's own
# tools/train.py), all trained from scratch on the demo data and validated
# on its val split, then one table (and compare.png) of accuracy, views,
# parameters, GFLOPs and training time.
COMPARE_WORK := work_dirs/compare
MMACTION_TRAIN = $$($(PY) -c 'import mmaction, os; \
	print(os.path.dirname(mmaction.__file__))')/.mim/tools/train.py
compare: install
	$(PY) tools/generate_demo_dataset.py --out $(DEMO_DIR)
	rm -rf $(COMPARE_WORK)
	$(PY) tools/train.py configs/demo/bike_tiny_demo.py \
		--work-dir $(COMPARE_WORK)/bike_tiny
	for model in tsn_mobilenetv2 timesformer_tiny; do \
		$(PY) $(MMACTION_TRAIN) configs/demo/$${model}_demo.py \
			--work-dir $(COMPARE_WORK)/$$model || exit 1; \
	done
	$(PY) tools/analysis/compare_work_dirs.py $(COMPARE_WORK)/bike_tiny \
		$(COMPARE_WORK)/tsn_mobilenetv2 $(COMPARE_WORK)/timesformer_tiny \
		--plot $(COMPARE_WORK)/compare.png --csv $(COMPARE_WORK)/compare.csv

test: install
	$(PY) -m pytest tests benchmarks/tests -q -p no:cacheprovider

# A user's environment, built from scratch: their torch, mmcv and mmaction2
# (1.2.0 from the upstream source release: its wheel lacks localizers/drn;
# editable, as a plain install drops that folder too). Installing bike_mm
# must keep every version there.
USER_ENV := build/user-env
USER_PY := $(USER_ENV)/venv/bin/python
MMACTION_SRC ?= ../shared/vendor/mmaction2-1.2.0-src.tar.gz

test-user-env:
	rm -rf $(USER_ENV)
	mkdir -p $(USER_ENV)
	$(PYTHON) -m venv $(USER_ENV)/venv
	# `===`: the index's torch 2.13.0, which torchvision 0.28.0 is built for
	$(USER_PY) -m pip install --quiet 'torch===2.13.0' torchvision==0.28.0 \
		mmcv-lite==2.1.0 importlib_metadata
	tar xzf $(MMACTION_SRC) -C $(USER_ENV)
	$(USER_PY) -m pip install --quiet -e $(USER_ENV)/mmaction2-1.2.0
	$(USER_PY) -m pip list --format=json > $(USER_ENV)/before.json
	$(USER_PY) -m pip install --quiet -e '.[tests]'
	$(USER_PY) -m pip list --format=json > $(USER_ENV)/after.json
	$(USER_PY) .ci/versions_kept.py $(USER_ENV)/before.json \
		$(USER_ENV)/after.json
	$(USER_PY) -m pytest tests benchmarks/tests -q -p no:cacheprovider

clean:
	rm -rf $(VENV) work_dirs $(DEMO_DIR) build
