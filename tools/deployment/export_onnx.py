"""Export a recognizer to ONNX for onnxruntime (``bike_mm[deploy]``).

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT --out model.onnx
        [--open-vocabulary] [--labels FILE] [--frames T] [--opset 17]
        [--cfg-options k=v ...]

The model takes ``frames [B, T, 3, H, W]``: float RGB in [0, 255], as the
test pipeline packs them (normalisation is part of the graph), B dynamic,
and gives the logits ``[B, K]`` of each clip; the category embeddings are
built in, or are inputs with ``--open-vocabulary``. Run it with
``tools/infer.py CONFIG CHECKPOINT VIDEO --backend onnxruntime --onnx
model.onnx``. After writing, the model is checked against PyTorch on random
frames (printed: the largest absolute difference of the logits).
"""
import argparse

import numpy as np
import torch
from mmengine.config import DictAction

from bike_mm.apis import init_recognizer
from bike_mm.deployment import (
    ClipScorer,
    OnnxRecognizer,
    category_inputs,
    export_onnx,
)
from bike_mm.deployment.onnx_export import DEFAULT_OPSET
from bike_mm.engine.cli import run_tool


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Export to ONNX')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', required=True, help='the .onnx file')
    parser.add_argument(
        '--open-vocabulary',
        action='store_true',
        help='category embeddings as inputs instead of built in')
    parser.add_argument(
        '--labels', help='class names to build in instead of the config\'s')
    parser.add_argument(
        '--frames', type=int, help='frames per clip (default: the config\'s)')
    parser.add_argument(
        '--opset', type=int, default=DEFAULT_OPSET, help='ONNX opset')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    args = parser.parse_args()
    if args.frames is not None and args.frames < 1:
        parser.error('--frames must be at least 1')
    return args


def main() -> None:
    args = parse_args()
    model = init_recognizer(args.config, args.checkpoint, 'cpu', args.labels,
                            args.cfg_options)
    metadata = export_onnx(model, args.out, args.open_vocabulary,
                           args.frames, args.opset)
    classes = 'categories as inputs' if args.open_vocabulary else \
        f'{len(metadata["class_names"])} classes built in'
    print(f'Wrote {args.out}: frames [B, {metadata["num_frames"]}, 3, '
          f'{metadata["image_size"][0]}, {metadata["image_size"][1]}] -> '
          f'logits, {classes}')
    frames = torch.rand(2, metadata['num_frames'], 3,
                        *metadata['image_size']) * 255
    categories = category_inputs(model) if args.open_vocabulary else None
    with torch.no_grad():
        expected = ClipScorer(model, args.open_vocabulary)(
            frames, *(torch.from_numpy(c) for c in categories or ()))
    logits = OnnxRecognizer(args.out).logits(frames.numpy(), categories)
    print('max |onnxruntime - pytorch| of the logits: '
          f'{np.abs(logits - expected.numpy()).max():.2e}')


if __name__ == '__main__':
    run_tool(main)
