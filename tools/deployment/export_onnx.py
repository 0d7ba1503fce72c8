"""Export a recognizer to ONNX for onnxruntime (``bike_mm[deploy]``).

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT --out model.onnx
        [--open-vocabulary] [--labels FILE] [--frames T] [--opset 17]
        [--int8 model_int8.onnx] [--cfg-options k=v ...]

The model takes ``frames [B, T, 3, H, W]``: float RGB in [0, 255], as the
test pipeline packs them (normalisation is part of the graph), B dynamic,
and gives the logits ``[B, K]`` of each clip; the category embeddings are
built in, or are inputs with ``--open-vocabulary``. Run it with
``tools/infer.py CONFIG CHECKPOINT VIDEO --backend onnxruntime --onnx
model.onnx``. After writing, the model is checked against PyTorch on random
frames (printed: the largest absolute difference of the logits).
``--int8 FILE`` also writes its int8 dynamic quantisation (MatMul/Gemm
weights in int8: on a CPU faster than fp32 for ViT models, BENCHMARKS.md),
checked the same way.
"""
import argparse
import os.path as osp

import numpy as np
import torch
from mmengine.config import DictAction

from bike_mm.apis import init_recognizer
from bike_mm.deployment import (
    ClipScorer,
    OnnxRecognizer,
    category_inputs,
    export_onnx,
    quantize_onnx,
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
        '--int8',
        metavar='FILE',
        help='also write the int8 dynamic quantisation of the model here')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    args = parser.parse_args()
    if args.frames is not None and args.frames < 1:
        parser.error('--frames must be at least 1')
    if args.int8 is not None and osp.abspath(args.int8) == osp.abspath(
            args.out):
        parser.error('--int8 needs a file other than --out')
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
    if args.int8 is not None:
        quantize_onnx(args.out, args.int8)
        print(f'Wrote {args.int8}: its int8 dynamic quantisation')
    for model_file in filter(None, (args.out, args.int8)):
        logits = OnnxRecognizer(model_file).logits(frames.numpy(), categories)
        print(f'max |onnxruntime - pytorch| of the logits of {model_file}: '
              f'{np.abs(logits - expected.numpy()).max():.2e}')


if __name__ == '__main__':
    run_tool(main)
