# Two commands for a newcomer: `make demo` and `make test`.
# Both create .venv (Python 3.9+, pinned torch/OpenMMLab stack) on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DIR := data/demo
DEMO_WORK := work_dirs/bike_tiny_demo

.PHONY: install demo test compare clean

install: $(VENV)/.installed

$(VENV)/.installed: setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and by exact version: an unpinned torch pulls a CUDA build
	$(PY) -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(PY) -m pip install --quiet -e '.[tests]'
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
	$(PY) -m pytest tests -q -p no:cacheprovider

clean:
	rm -rf $(VENV) work_dirs $(DEMO_DIR)
