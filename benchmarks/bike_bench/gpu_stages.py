"""The measuring stages of ``benchmarks/gpu/run.py``, one process each (a
failed stage, out of memory or a CUDA error, leaves the next one a fresh
process). Each prints its figures as the last line of its output, JSON::

    python -m bike_bench.gpu_stages case CASE_JSON SETTINGS_JSON
    python -m bike_bench.gpu_stages train-step CFG_JSON SETTINGS_JSON

- ``case``: :func:`bike_bench.gpu_benchmark.measure` of one
  :class:`~bike_bench.gpu_benchmark.Case` (its fields as JSON): training
  and inference videos/s and peak memory;
- ``train-step``: videos/s and peak memory of the training step that
  :mod:`bike_bench.released_comparison` builds for one side
  (``cfg['side']``: ``bike_mm``, through its config and the model's
  ``train_step``, or ``released``, the released code).

``SETTINGS_JSON``: ``device``, ``warmup`` and ``steps`` (and for ``case``
``num_classes``).
"""
import dataclasses
import json
import sys

import torch

from .gpu_benchmark import Case, StepMeter, measure
from .released_comparison import bike_mm_step, released_step


def case_figures(case: dict, settings: dict) -> dict:
    """Training and inference figures of one benchmark case."""
    result = measure(Case(**case), torch.device(settings['device']),
                     num_classes=settings['num_classes'],
                     warmup=settings['warmup'], steps=settings['steps'])
    figures = dataclasses.asdict(result)
    figures.pop('case')
    return figures


def train_step_figures(cfg: dict, settings: dict) -> dict:
    """Videos/s and peak memory of one side's training step."""
    device = torch.device(settings['device'])
    cfg = dict(cfg, device=str(device), ranks=1, rank=0)
    torch.manual_seed(0)
    cfg['labels'] = torch.randint(cfg['classes'],
                                  (cfg['batch'], )).tolist()
    build = bike_mm_step if cfg['side'] == 'bike_mm' else released_step
    step, _ = build(cfg)
    seconds, peak = StepMeter(device).run(step, settings['warmup'],
                                          settings['steps'])
    return dict(train_vps=cfg['batch'] * settings['steps'] / seconds,
                train_peak_gib=peak)


STAGES = {'case': case_figures, 'train-step': train_step_figures}

if __name__ == '__main__':
    from mmaction.utils import register_all_modules

    import bike_mm  # noqa: F401  (registers the components)
    register_all_modules()
    kind, first, settings = sys.argv[1], *map(json.loads, sys.argv[2:4])
    print(json.dumps(STAGES[kind](first, settings)), flush=True)
