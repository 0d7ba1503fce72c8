"""Forward time of the BIKE video branch vs plain CLIP frame encoding.

Measures, side by side in one run, (a) open_clip ``encode_image`` over the
B x T frames and (b) the whole BIKERecognizer forward on the same frames
(frame encoding + 6-layer temporal transformer + VCS scoring against all K
cached category embeddings), ViT-B/32 with random weights, 8 x 224^2 frames,
on CPU. Repeats are interleaved so machine noise hits both alike; the
reported overhead is the ratio of medians.

    python benchmarks/head_overhead.py [--batch 2] [--classes 400]
"""
import argparse
import statistics
import time

import torch
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules

import bike_mm  # noqa: F401
from bike_mm.engine.cli import run_tool


def build(num_classes: int, temporal_layers: int):
    return MODELS.build(
        dict(
            type='BIKERecognizer',
            num_frames=8,
            class_names=[f'action number {i}' for i in range(num_classes)],
            backbone=dict(type='OpenCLIP', arch='ViT-B-32', pretrained=None),
            cls_head=dict(
                type='VCSHead',
                num_classes=num_classes,
                in_channels=512,
                temporal_layers=temporal_layers))).eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--classes', type=int, default=400)
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    register_all_modules()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = build(args.classes, temporal_layers=6)
    frames = torch.randn(args.batch, 8, 3, 224, 224)
    flat = frames.flatten(0, 1)
    with torch.no_grad():
        model.all_categories()  # the cache is built once, before timing
        runs = dict(
            clip=lambda: model.backbone.clip.encode_image(flat),
            bike=lambda: model(frames, mode='tensor', stage='head'))
        times = {name: [] for name in runs}
        for fn in runs.values():  # warm-up
            fn()
        for _ in range(args.repeats):
            for name, fn in runs.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    clip_t = statistics.median(times['clip'])
    bike_t = statistics.median(times['bike'])
    print(f'frames: {args.batch} x 8 x 224^2, K={args.classes}, '
          f'threads={args.threads}, repeats={args.repeats}')
    print(f'open_clip encode_image : {clip_t * 1e3:8.1f} ms (median)')
    print(f'BIKE recognizer forward: {bike_t * 1e3:8.1f} ms (median)')
    print(f'head overhead: {100 * (bike_t / clip_t - 1):+.2f} %')


if __name__ == '__main__':
    run_tool(main)
