"""Compare MMEngine work dirs (BIKE runs, the user's own mmaction baselines
made with mmaction's tools/train.py and tools/test.py, ...) in one table:
model, pre-training, frames x views, top-1 / top-5 / mean-class accuracy or
mAP, parameters, GFLOPs per view and per video, training time. Warns when
the rows were evaluated with different views or annotation files.

Usage:
    python tools/analysis/compare_work_dirs.py WORK_DIR [WORK_DIR ...]
        [--no-flops] [--csv OUT.csv] [--markdown OUT.md] [--plot OUT.png]
        [--cfg-options k=v ...]
"""
import argparse

from mmengine.config import DictAction

from bike_mm.analysis import (
    compare,
    format_markdown,
    plot,
    warnings,
    write_csv,
)
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--no-flops', action='store_true',
                        help='skip counting FLOPs (no data needed)')
    parser.add_argument('--csv', help='also write the table as CSV here')
    parser.add_argument('--markdown',
                        help='also write the table and warnings here')
    parser.add_argument('--plot',
                        help='write a PNG bar chart (accuracy, GFLOPs)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override entries of every run config (e.g. data paths)')
    args = parser.parse_args()
    rows = compare(args.work_dirs, not args.no_flops, args.cfg_options)
    report = '\n'.join([format_markdown(rows), *warnings(rows)])
    print(report)
    if args.markdown:
        with open(args.markdown, 'w', encoding='utf-8') as f:
            f.write(report + '\n')
    if args.csv:
        write_csv(rows, args.csv)
    if args.plot:
        plot(rows, args.plot)


if __name__ == '__main__':
    run_tool(main)
