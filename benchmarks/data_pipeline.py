"""Training-pipeline throughput of bike_mm next to the released BIKE code.

Clips/s and the time of decoding and augmentation per clip, on each video
given and on its frame folder (extracted into --work-dir with the layout of
tools/data/extract_frames.py), rows interleaved in one process, ratios to
the released code's rows. The released code is imported from a checkout
you give (github.com/whwu95/BIKE; it needs pandas):

    python benchmarks/data_pipeline.py --video VIDEO [VIDEO ...] \\
        --work-dir work_dirs/data_pipeline --released /path/to/BIKE \\
        [--repeats 10] [--config CONFIG] [--loader-clips 96]

Without --released only bike_mm's rows are measured. --loader-clips adds
clips/s through DataLoaders (bike_mm: the config's workers; released: 4,
its configs' setting; batches of 4).
"""
import argparse
import os.path as osp

from bike_bench.data_pipeline import format_loader_rates, format_results, run
from bike_mm.engine.cli import run_tool

# a script of the checkout: the zoo's configs are next to this folder
DEFAULT_CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', 'bike',
    'bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--video', nargs='+', required=True)
    parser.add_argument('--work-dir', required=True,
                        help='frame folders are extracted here')
    parser.add_argument('--released',
                        help='checkout of github.com/whwu95/BIKE')
    parser.add_argument('--repeats', type=int, default=10,
                        help='measured clips per row, after one warm-up')
    parser.add_argument('--config', default=DEFAULT_CONFIG,
                        help='bike_mm config whose training pipeline runs '
                        '(default: BIKE ViT-B/32 8 frames, Kinetics-400)')
    parser.add_argument('--loader-clips', type=int, default=0,
                        help='clips per DataLoader measurement (0: none)')
    args = parser.parse_args()
    results, rates = run(args.video, args.work_dir, args.config,
                         args.released, args.repeats, args.loader_clips)
    print(format_results(results))
    if rates:
        print()
        print(format_loader_rates(rates))


if __name__ == '__main__':
    run_tool(main)
