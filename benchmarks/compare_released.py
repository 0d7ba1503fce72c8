"""A bike_mm training step next to the released BIKE code, on the CPU.

Per-process memory (held between steps, step peak) and step time of both,
at equal batch, ViT-B/32, random weights, K classes, steps interleaved in
two fresh one-thread processes; ratios in a markdown table. The released
code is imported from a checkout you give (github.com/whwu95/BIKE):

    python benchmarks/compare_released.py --released /path/to/BIKE \\
        --work-dir work_dirs/compare_released [--batch 4] [--steps 3] \\
        [--cfg-options model.backbone.grad_checkpointing=False]

bike_mm's side is built from the zoo's model and schedule configs; options
change them. Its category embeddings are cached in --work-dir, so a second
run shows the setup time of a restart.

With --ranks M each side runs as M gloo processes at equal per-rank batch
(the released side in DDP, as its train.py; bike_mm's wrapped as the Runner
does) and the table shows the maximum over ranks; the distributed setup of
bike_mm's side is chosen with --cfg-options, e.g. ZeRO-1:

    ... --ranks 4 --cfg-options optim_wrapper.optimizer.type=ShardedOptimizer \
        optim_wrapper.optimizer.optimizer_type=AdamW
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

from bike_bench.released_comparison import compare, format_comparison
from bike_mm.engine.cli import run_tool

# a script of the checkout: the zoo's configs are next to this folder
BASE_CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                        'configs', '_base_')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--released', required=True,
                        help='checkout of github.com/whwu95/BIKE')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--frames', type=int, default=8)
    parser.add_argument('--classes', type=int, default=400)
    parser.add_argument('--steps', type=int, default=3,
                        help='measured steps per side, after one warm-up')
    parser.add_argument(
        '--model-config',
        default=osp.join(BASE_CONFIGS, 'models', 'bike_vit-b-p32.py'),
        help='default: the ViT-B/32 base')
    parser.add_argument(
        '--schedule-config',
        default=osp.join(BASE_CONFIGS, 'schedules',
                         'bike_adamw_cosine_30e.py'),
        help='default: the BIKE one')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={})
    parser.add_argument('--ranks', type=int, default=1,
                        help='processes per side (gloo)')
    parser.add_argument(
        '--interleave', action=argparse.BooleanOptionalAction,
        help='run both sides at once, stepping in turn (default: with one '
        'rank only; 2x4 ViT-B/32 processes need ~20 GiB)')
    args = parser.parse_args()
    results = compare(args.released, args.work_dir, args.model_config,
                      args.schedule_config, args.batch, args.frames,
                      args.classes, args.steps, args.cfg_options, args.ranks,
                      args.interleave)
    print(format_comparison(results))


if __name__ == '__main__':
    run_tool(main)
