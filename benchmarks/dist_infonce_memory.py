"""Per-rank peak memory and time of the BIKE head + DistInfoNCE loss, sharded
(bike_mm) against replicated (the released code), one simulated rank per
subprocess, or M real gloo ranks (--modes ranks ranks-fsdp; ranks-fsdp
shards the temporal transformer with FSDP2); what is measured and how:
``benchmarks/bike_bench/dist_infonce_memory.py``. Figures: BENCHMARKS.md.

    python benchmarks/dist_infonce_memory.py [--world-sizes 1 2 4 8] \
        [--modes sharded ranks ranks-fsdp]
"""
import argparse
import os.path as osp

from bike_bench.dist_infonce_memory import HEADS, MODES, memory_report
from bike_mm.engine.cli import run_tool

# a script of the checkout: the zoo's configs are next to this folder
DEFAULT_LABEL_FILE = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', '_base_',
    'labels', 'kinetics400.txt')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--global-batch', type=int, default=256)
    parser.add_argument('--frames', type=int, default=8)
    parser.add_argument('--dim', type=int, default=512)
    parser.add_argument(
        '--temporal-layers', type=int, default=6,
        help='temporal transformer layers of the head (paper: 6)')
    parser.add_argument(
        '--world-sizes', type=int, nargs='+', default=[1, 2, 4, 8])
    parser.add_argument('--heads', nargs='+', default=list(HEADS),
                        choices=list(HEADS))
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument(
        '--modes', nargs='+', default=['sharded'], choices=MODES[1:],
        help='modes at M > 1 next to replicated: sharded (one simulated '
        'rank), ranks (M gloo processes), ranks-fsdp (the same with the '
        'temporal transformer under FSDP2)')
    parser.add_argument(
        '--temporal-checkpointing', action='store_true',
        help="activation checkpointing of bike_mm's temporal transformer")
    parser.add_argument(
        '--split-blocks', action='store_true',
        help='ranks-fsdp: attention and MLP of each block as FSDP units')
    parser.add_argument(
        '--label-file', default=DEFAULT_LABEL_FILE,
        help='class names of the category cache (default: Kinetics-400)')
    return parser.parse_args()


def main() -> None:
    for line in memory_report(**vars(parse_args())):
        print(line, flush=True)


if __name__ == '__main__':
    run_tool(main)
