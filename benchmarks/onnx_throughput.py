"""onnxruntime vs PyTorch on the CPU, side by side in one run, and int8.

    python benchmarks/onnx_throughput.py
        [--config configs/bike/bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py]
        [--classes 400] [--batch 4] [--iters 10] [--threads N]
        [--demo-config CFG --demo-checkpoint CKPT [--demo-split val]]

The config's model is built with random weights (``pretrained=None``) on
``--classes`` made-up classes and exported (tools/deployment/export_onnx.py
does the same with a checkpoint); both backends score the same random clips
``[batch, T, 3, H, W]`` with ``--threads`` intra-op threads (default: every
core), PyTorch under ``inference_mode``, onnxruntime with every graph
optimisation, both fp32. The int8 model is ``quantize_onnx`` of the fp32
one (onnxruntime's ``quantize_dynamic``: MatMul/Gemm weights int8, as
``export_onnx.py --int8`` writes it). Prints clips/s, the speed-up and
the largest absolute difference of the logits. With a trained demo
checkpoint, the top-1 accuracy of the fp32 and int8 models on that split of
the demo data (decoded by the config's test pipeline) is printed too.
"""
import argparse
import os
import os.path as osp
import tempfile
import time
from functools import partial
from typing import Callable, List, Tuple

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.apis import init_recognizer, pack_video
from bike_mm.deployment import (
    ClipScorer,
    OnnxRecognizer,
    export_onnx,
    quantize_onnx,
)
from bike_mm.engine.cli import run_tool

DEFAULT_CONFIG = osp.join('configs', 'bike',
                          'bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--classes', type=int, default=400)
    parser.add_argument('--batch', type=int, default=4, help='clips a call')
    parser.add_argument('--iters', type=int, default=10, help='timed calls')
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    parser.add_argument('--demo-config')
    parser.add_argument('--demo-checkpoint')
    parser.add_argument('--demo-split', default='val')
    return parser.parse_args()


def clips_per_second(run: Callable[[], object], clips: int,
                     iters: int) -> float:
    """Median over ``iters`` calls, after two warm-up calls."""
    run()
    run()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return clips / float(np.median(times))


def random_model(config: str, classes: int) -> torch.nn.Module:
    cfg = Config.fromfile(config)
    cfg.model.class_names = [f'action number {i}' for i in range(classes)]
    cfg.model.cls_head.num_classes = classes
    cfg.model.backbone.pretrained = None
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


def throughput(args: argparse.Namespace, work: str) -> None:
    model = random_model(args.config, args.classes)
    fp32 = osp.join(work, 'model.onnx')
    int8 = osp.join(work, 'model_int8.onnx')
    start = time.perf_counter()
    meta = export_onnx(model, fp32)
    print(f'export: {time.perf_counter() - start:.0f} s; '
          f'{osp.getsize(fp32) / 2**20:.0f} MiB')
    quantize_onnx(fp32, int8)
    frames = torch.rand(args.batch, meta['num_frames'], 3,
                        *meta['image_size']) * 255
    torch.set_num_threads(args.threads)
    scorer = ClipScorer(model)
    with torch.inference_mode():
        expected = scorer(frames).numpy()
        rows = [('pytorch fp32', clips_per_second(
            lambda: scorer(frames), args.batch, args.iters), 0.0)]
    inputs = frames.numpy()
    for name, path in (('onnxruntime fp32', fp32),
                       ('onnxruntime int8', int8)):
        run = OnnxRecognizer(path, threads=args.threads).logits
        diff = np.abs(run(inputs) - expected).max()
        rows.append((name, clips_per_second(partial(run, inputs), args.batch,
                                            args.iters), diff))
    print(f'{args.config}: {args.classes} classes, batch {args.batch} x '
          f'{meta["num_frames"]} frames at {meta["image_size"][0]}, '
          f'{args.threads} threads, torch {torch.__version__}')
    print(f'{"backend":<18}{"clips/s":>9}{"x pytorch":>11}'
          f'{"max |diff|":>12}')
    for name, speed, diff in rows:
        print(f'{name:<18}{speed:9.2f}{speed / rows[0][1]:11.2f}'
              f'{diff:12.2e}')


def demo_accuracy(args: argparse.Namespace, work: str) -> None:
    model = init_recognizer(args.demo_config, args.demo_checkpoint, 'cpu')
    fp32 = osp.join(work, 'demo.onnx')
    int8 = osp.join(work, 'demo_int8.onnx')
    export_onnx(model, fp32)
    quantize_onnx(fp32, int8)
    dataset = model.cfg[f'{args.demo_split}_dataloader'].dataset
    videos: List[Tuple[str, int]] = []
    with open(dataset.ann_file) as f:
        for line in f:
            name, label = line.split()
            videos.append((osp.join(dataset.data_prefix.video, name),
                           int(label)))
    clips = [pack_video(model.cfg, video)[0]['inputs'].float().numpy()
             for video, _ in videos]
    labels = np.array([label for _, label in videos])
    for name, path in (('fp32', fp32), ('int8', int8)):
        deployed = OnnxRecognizer(path, threads=args.threads)
        predicted = np.array([deployed.predict(c).argmax() for c in clips])
        print(f'demo {args.demo_split} top-1 onnxruntime {name}: '
              f'{(predicted == labels).mean():.4f} ({len(labels)} videos)')


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as work:
        throughput(args, work)
        if args.demo_checkpoint:
            demo_accuracy(args, work)


if __name__ == '__main__':
    run_tool(main)
