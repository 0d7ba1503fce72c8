# Two commands for a newcomer: `make demo` and `make test`.
# Both create .venv (Python 3.9+, pinned torch/OpenMMLab stack) on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DIR := data/demo
DEMO_WORK := work_dirs/bike_tiny_demo

.PHONY: install demo test clean

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

test: install
	$(PY) -m pytest tests -q -p no:cacheprovider

clean:
	rm -rf $(VENV) work_dirs $(DEMO_DIR)
