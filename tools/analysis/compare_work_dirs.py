"""Compare several MMEngine work dirs in one table: accuracy (last
validation and latest test metrics, from the json logs), parameters, FLOPs
(when a validation sample can be loaded) and training wall time.

Works for any mmaction recognizer (BIKE, Text4Vis, X-CLIP, TSN, ...): the
model is rebuilt from the config dumped in the work dir, without pretrained
weights (only its size is needed), and FLOPs are counted on one sample of
the validation pipeline, so every model is measured on its own input.

Usage:
    python tools/analysis/compare_work_dirs.py WORK_DIR [WORK_DIR ...]
        [--no-flops] [--cfg-options k=v ...]
"""
import argparse
import copy
import glob
import json
import os.path as osp
import sys
from datetime import datetime
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.config import Config, DictAction

LOG_TIME_FORMAT = '%Y/%m/%d %H:%M:%S'


def run_dirs(work_dir: str) -> List[str]:
    """The timestamped run folders of a work dir, oldest first."""
    return sorted(d for d in glob.glob(osp.join(work_dir, '*_*'))
                  if osp.isdir(d) and osp.basename(d)[:8].isdigit())


def read_json_lines(path: str) -> List[dict]:
    """The records of an MMEngine scalar log (one json object a line)."""
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def is_metric(key: str) -> bool:
    """Evaluation metrics are prefixed (``acc/top1``, ``zero_shot/...``)."""
    return '/' in key


def last_val_metrics(work_dir: str) -> Dict[str, float]:
    """Metrics of the last validation of the latest training run."""
    for run in reversed(run_dirs(work_dir)):
        scalars = osp.join(run, 'vis_data', osp.basename(run) + '.json')
        if osp.isfile(scalars):
            val = [
                r for r in read_json_lines(scalars) if any(
                    is_metric(k) for k in r)
            ]
            if val:
                return {
                    f'val:{k}': v
                    for k, v in val[-1].items() if is_metric(k)
                }
    return {}


def test_metrics(work_dir: str) -> Dict[str, float]:
    """Metrics of the latest test run (``<run>/<run>.json``)."""
    for run in reversed(run_dirs(work_dir)):
        path = osp.join(run, osp.basename(run) + '.json')
        if osp.isfile(path):
            with open(path, encoding='utf-8') as f:
                metrics = json.load(f)
            return {
                f'test:{k}': v
                for k, v in metrics.items()
                if is_metric(k) and isinstance(v, (int, float))
            }
    return {}


def train_wall_time(work_dir: str) -> Optional[float]:
    """Seconds from the first to the last line of the latest training log
    (training and its validations)."""
    for run in reversed(run_dirs(work_dir)):
        if not osp.isfile(
                osp.join(run, 'vis_data',
                         osp.basename(run) + '.json')):
            continue  # a test run
        with open(osp.join(run,
                           osp.basename(run) + '.log'), encoding='utf-8') as f:
            stamps = [line[:19] for line in f if line[:4].isdigit()]
        times = [datetime.strptime(s, LOG_TIME_FORMAT) for s in stamps]
        return (times[-1] - times[0]).total_seconds() if times else None
    return None


def dumped_config(work_dir: str) -> Config:
    """The config MMEngine wrote at the top of the work dir."""
    configs = glob.glob(osp.join(work_dir, '*.py'))
    if len(configs) != 1:
        raise FileNotFoundError(
            f'{work_dir}: expected one dumped config (*.py), found '
            f'{len(configs)}')
    return Config.fromfile(configs[0])


def without_pretrained_weights(cfg):
    """A copy of a model config that loads no weights: ``pretrained``
    fields set to None (``clip_pretrained`` to False), ``Pretrained``
    init_cfgs dropped."""
    if isinstance(cfg, list):
        return [without_pretrained_weights(c) for c in cfg]
    if not isinstance(cfg, dict):
        return cfg
    out = {}
    for key, value in cfg.items():
        if key == 'pretrained':
            value = None
        elif key == 'clip_pretrained':
            value = False
        elif key == 'init_cfg' and isinstance(value, dict) and \
                value.get('type') == 'Pretrained':
            value = None
        out[key] = without_pretrained_weights(value)
    return type(cfg)(out)


class _ScoresForward(nn.Module):
    """Input -> class scores, the forward whose FLOPs are counted."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model._forward(inputs, stage='head')[0]


def model_size_and_flops(cfg: Config, flops: bool) -> Dict[str, float]:
    """Parameters (M) and, if ``flops`` and a validation sample loads,
    GFLOPs of one validation sample."""
    from mmengine.analysis import FlopAnalyzer
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DefaultScope

    from mmaction.registry import DATASETS, MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(without_pretrained_weights(cfg.model)).eval()
    result = dict(params_M=sum(p.numel() for p in model.parameters()) / 1e6)
    loader = cfg.get('val_dataloader') or cfg.get('test_dataloader')
    if not flops or not loader:
        return result
    try:
        sample = DATASETS.build(copy.deepcopy(loader['dataset']))[0]
    except Exception as err:  # no data here: report what can be measured
        print(f'FLOPs skipped, no validation sample: {err}', file=sys.stderr)
        return result
    with torch.no_grad():
        inputs = model.data_preprocessor(pseudo_collate([sample]))['inputs']
        scores = _ScoresForward(model)
        scores(inputs)  # fills one-time caches (e.g. class text embeddings)
        analyzer = FlopAnalyzer(scores, (inputs, ))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        result['GFLOPs'] = analyzer.total() / 1e9
    return result


def compare(work_dirs: List[str],
            flops: bool = True,
            cfg_options: Optional[dict] = None) -> List[Dict[str, object]]:
    """One row per work dir: name, model, metrics, size, FLOPs, time."""
    rows = []
    for work_dir in work_dirs:
        cfg = dumped_config(work_dir)
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
        backbone = cfg.model.get('backbone') or {}
        head = cfg.model.get('cls_head') or {}
        model = f"{cfg.model.type}/{backbone.get('type', '-')}" \
            f"({backbone.get('arch', backbone.get('depth', ''))})"
        if head:
            model += f" + {head.get('type')}"
        row = dict(work_dir=osp.basename(osp.normpath(work_dir)),
                   model=model)
        row.update(last_val_metrics(work_dir))
        row.update(test_metrics(work_dir))
        row.update(model_size_and_flops(cfg, flops))
        row['train_time_s'] = train_wall_time(work_dir)
        rows.append(row)
    return rows


def format_table(rows: List[Dict[str, object]]) -> str:
    """A Markdown table with the union of the rows' columns."""
    columns = []
    for row in rows:
        columns += [k for k in row if k not in columns]

    def cell(value) -> str:
        if value is None:
            return '-'
        if isinstance(value, float):
            return f'{value:.4f}' if abs(value) < 10 else f'{value:.1f}'
        return str(value)

    lines = ['| ' + ' | '.join(columns) + ' |', '|' + '---|' * len(columns)]
    lines += [
        '| ' + ' | '.join(cell(row.get(c)) for c in columns) + ' |'
        for row in rows
    ]
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--no-flops',
                        action='store_true',
                        help='skip counting FLOPs')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override entries of every dumped config (e.g. data paths)')
    args = parser.parse_args()
    print(
        format_table(
            compare(args.work_dirs, not args.no_flops, args.cfg_options)))


if __name__ == '__main__':
    main()
