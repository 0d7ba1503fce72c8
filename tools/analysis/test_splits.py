"""Test one checkpoint with several configs (e.g. the three Kinetics-600
zero-shot splits) and print each config's metrics and their mean +- std
(NumPy's std, ddof=0) over the configs
(:func:`bike_mm.analysis.evaluate_splits`).

Usage:
    python tools/analysis/test_splits.py CHECKPOINT CONFIG [CONFIG ...]
        [--work-dir DIR] [--cfg-options k=v ...]

Each config is tested with the MMEngine runner into ``DIR/<config name>``
(default ``work_dirs/test_splits``).
"""
import argparse

from mmengine.config import DictAction

from bike_mm.analysis import evaluate_splits
from bike_mm.engine.cli import run_tool


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
    print(evaluate_splits(**vars(args)))


if __name__ == '__main__':
    run_tool(main)
