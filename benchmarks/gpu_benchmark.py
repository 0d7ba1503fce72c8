"""Training and inference videos/s and peak memory of BIKE on one GPU.

float32 vs bfloat16 autocast, with and without activation checkpointing,
fused vs unfused AdamW, optionally torch.compile; random weights, K = 400
classes. Prints a markdown table next to the published figures (Text4Vis
inference throughput, the BIKE README's training memory). The defaults
(ViT-B/32, 8 frames, batch 32) take about 3 minutes on one H200; the run
stops starting new cases after --budget-minutes.

    python benchmarks/gpu_benchmark.py
    python benchmarks/gpu_benchmark.py --archs ViT-B-32 ViT-B-16 \\
        ViT-L-14 --compile --budget-minutes 7.5

Without CUDA it runs on the CPU (no memory figures), e.g. the test's
``--archs ViT-Tiny-16 --frames 2 --batch 2 --infer-batch 2 --steps 1``.
"""
import argparse

import torch
from mmaction.utils import register_all_modules

import bike_mm  # noqa: F401  (registers the components)
from bike_bench.gpu_benchmark import default_cases, format_table, run_cases
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--archs', nargs='+', default=['ViT-B-32'])
    parser.add_argument('--frames', type=int, default=8)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--infer-batch', type=int, default=16)
    parser.add_argument('--classes', type=int, default=400)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--compile', action='store_true',
                        help='add a bf16 case with torch.compile')
    parser.add_argument('--budget-minutes', type=float, default=7.5,
                        help='start no case after this time')
    args = parser.parse_args()
    register_all_modules()

    if torch.cuda.is_available():
        device = torch.device('cuda')
        print(f'device: {torch.cuda.get_device_name()}')
    else:
        device = torch.device('cpu')
        print('device: CPU (no CUDA device found): the figures are CPU '
              'figures and memory is not measured')
    cases = [
        case for arch in args.archs for case in default_cases(
            arch, args.frames, args.batch, args.infer_batch, args.compile)
    ]
    results = run_cases(
        cases, device, budget_s=60 * args.budget_minutes,
        num_classes=args.classes, warmup=args.warmup, steps=args.steps)
    print(format_table(results))


if __name__ == '__main__':
    run_tool(main)
