# Commands for a newcomer: `make demo` and `make test` (and `make compare`).
# They create .venv (Python 3.9+) on first use with the exact versions of
# requirements/constraints.txt. `make test-user-env` and `make
# test-legacy-env` run the suite again in two users' stacks (below).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DIR := data/demo
DEMO_WORK := work_dirs/bike_tiny_demo
# two workers (pytest-xdist), a test file each at a time: module fixtures
# stay in one process; tests/helpers.py gives each worker its own ports
PYTEST := -m pytest tests benchmarks/tests -q -p no:cacheprovider -n 2 --dist loadfile

.PHONY: install demo test lint compare clean env-user env-legacy \
	test-user-env test-legacy-env

install: $(VENV)/.installed

$(VENV)/.installed: setup.py requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# mmcv is not a dependency of bike_mm (users keep full mmcv or lite)
	$(PY) -m pip install --quiet -c requirements/constraints.txt \
		torch torchvision mmcv-lite -e '.[tests,lint]'
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
	$(PY) $(PYTEST)

lint: install
	$(VENV)/bin/ruff check .

# Users' environments, each built from scratch in build/<stack>-env: their
# torch, mmcv and mmaction2 (1.2.0 from the upstream source release: its
# wheel lacks localizers/drn; editable, as a plain install drops that folder
# too), then bike_mm, which must keep every version there (numpy included).
# A stack is the pip arguments of what the user had:
# user: torch 2.13 (`===`: the index's 2.13.0, which torchvision 0.28.0 is
# built for); legacy: the usual MMAction2 environment of today, torch 2.1
# (built for numpy 1; opencv >= 4.11 needs numpy 2) and mmcv 2.1.0.
STACK_user := 'torch===2.13.0' torchvision==0.28.0 mmcv-lite==2.1.0 \
	importlib_metadata
STACK_legacy := torch==2.1.2 torchvision==0.16.2 'numpy<2' \
	'opencv-python<4.11' 'opencv-contrib-python<4.11' mmcv-lite==2.1.0 \
	importlib_metadata
MMACTION_SRC ?= ../shared/vendor/mmaction2-1.2.0-src.tar.gz

env-user env-legacy: env-%:
	rm -rf build/$*-env
	mkdir -p build/$*-env
	$(PYTHON) -m venv build/$*-env/venv
	build/$*-env/venv/bin/python -m pip install --quiet $(STACK_$*)
	tar xzf $(MMACTION_SRC) -C build/$*-env
	build/$*-env/venv/bin/python -m pip install --quiet \
		-e build/$*-env/mmaction2-1.2.0
	build/$*-env/venv/bin/python -m pip list --format=json \
		> build/$*-env/before.json
	# as the README tells users: what is installed is a constraint, so pip
	# picks versions of the new packages that fit it (or refuses)
	build/$*-env/venv/bin/python -m pip list --format=freeze \
		> build/$*-env/installed.txt
	build/$*-env/venv/bin/python -m pip install --quiet \
		-c build/$*-env/installed.txt -e '.[tests]'
	build/$*-env/venv/bin/python -m pip list --format=json \
		> build/$*-env/after.json
	build/$*-env/venv/bin/python .ci/versions_kept.py \
		build/$*-env/before.json build/$*-env/after.json

test-user-env test-legacy-env: test-%-env: env-%
	build/$*-env/venv/bin/python $(PYTEST)

clean:
	rm -rf $(VENV) work_dirs $(DEMO_DIR) build
