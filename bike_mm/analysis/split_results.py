"""Test one checkpoint with several configs (e.g. the three Kinetics-600
zero-shot splits) and print each config's metrics and their mean +- std
(NumPy's std, ddof=0) over the configs.

Usage:
    python tools/analysis/test_splits.py CHECKPOINT CONFIG [CONFIG ...]
        [--work-dir DIR] [--cfg-options k=v ...]

Each config is tested with the MMEngine runner into ``DIR/<config name>``
(default ``work_dirs/test_splits``).
"""
import argparse
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import Config, DictAction
from mmengine.runner import Runner


def test_config(config: str,
                checkpoint: Optional[str],
                work_dir: str,
                cfg_options: Optional[dict] = None) -> Dict[str, float]:
    """Metrics of ``checkpoint`` tested with ``config``."""
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.work_dir = work_dir
    cfg.load_from = checkpoint
    return Runner.from_cfg(cfg).test()


def mean_and_std(results: List[Dict[str, float]]) -> Dict[str, tuple]:
    """Per metric shared by all results: (mean, std) over the results."""
    keys = [k for k in results[0] if all(k in r for r in results)]
    return {
        k: (float(np.mean([r[k] for r in results])),
            float(np.std([r[k] for r in results])))
        for k in keys
    }


def format_report(configs: List[str], results: List[Dict[str, float]]) -> str:
    """One line per config, then the mean +- std line per metric."""
    lines = []
    for config, metrics in zip(configs, results):
        lines.append(
            osp.splitext(osp.basename(config))[0] + ': ' +
            '  '.join(f'{k}: {v:.4f}' for k, v in metrics.items()))
    lines.append('mean +- std over the configs:')
    lines += [
        f'  {k}: {m:.4f} +- {s:.4f}'
        for k, (m, s) in mean_and_std(results).items()
    ]
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('checkpoint')
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--work-dir', default='work_dirs/test_splits')
    parser.add_argument('--cfg-options',
                        nargs='+',
                        action=DictAction,
                        help='override entries of every config')
    args = parser.parse_args()
    results = [
        test_config(
            config, args.checkpoint,
            osp.join(args.work_dir,
                     osp.splitext(osp.basename(config))[0]), args.cfg_options)
        for config in args.configs
    ]
    print(format_report(args.configs, results))


if __name__ == '__main__':
    main()
