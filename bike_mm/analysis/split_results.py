"""Results of one checkpoint tested with several configs (e.g. the three
Kinetics-600 zero-shot splits): each config's metrics and their mean +- std
(NumPy's std, ddof=0) over the configs. Command line:
``tools/analysis/test_splits.py``.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.config import Config
from mmengine.runner import Runner


def evaluate_config(config: str,
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


def evaluate_splits(checkpoint: Optional[str],
                    configs: Sequence[str],
                    work_dir: str,
                    cfg_options: Optional[dict] = None) -> str:
    """Test ``checkpoint`` with every config and report the metrics.

    Args:
        checkpoint (str, optional): The checkpoint tested.
        configs (Sequence[str]): Config files, one per split.
        work_dir (str): Each config is tested into
            ``work_dir/<config name>``.
        cfg_options (dict, optional): Overrides of every config.

    Returns:
        str: The report of :func:`format_report`.
    """
    results = [
        evaluate_config(
            config, checkpoint,
            osp.join(work_dir,
                     osp.splitext(osp.basename(config))[0]), cfg_options)
        for config in configs
    ]
    return format_report(list(configs), results)
