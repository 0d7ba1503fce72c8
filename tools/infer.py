"""Recognise one video and optionally draw its temporal saliency.

    python tools/infer.py CONFIG CHECKPOINT VIDEO [--labels FILE]
        [--views 1x1|4x3] [--topk 5] [--saliency out.png] [--device cpu]
        [--allow-class-mismatch] [--cfg-options k=v ...]
        [--backend pytorch|onnxruntime --onnx MODEL]

``--labels`` replaces the config's classes by the names in FILE (one per
line, or the released ``id,name`` csv): open-vocabulary recognition with
the same weights. ``--saliency`` writes the sampled frames of the first view
with the Video Concept Spotting saliency of the top class (paper Fig. 3),
and the attribute sentence for models with an attributes branch.
``--backend onnxruntime --onnx MODEL`` scores with a model of
``tools/deployment/export_onnx.py`` (CHECKPOINT is then read only to encode
``--labels`` for an open-vocabulary model).

Long videos: ``--window SECONDS [--stride SECONDS] [--timeline OUT.json
OUT.csv OUT.png]`` gives the top-k classes of windows sliding along the
video (each decoded alone, scored as that window cut out would be;
``bike_mm.apis.recognize_windows``).
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

from bike_mm.apis import (
    inference_recognizer,
    init_recognizer,
    recognize_windows,
    save_timeline,
)
from bike_mm.apis.long_video import TIMELINE_FORMATS
from bike_mm.deployment import inference_onnx
from bike_mm.engine.cli import run_tool
from bike_mm.visualization import plot_temporal_saliency


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Recognise one video')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('video', help='video file (decoded with decord)')
    parser.add_argument(
        '--labels', help='class names to recognise instead of the config\'s')
    parser.add_argument(
        '--views',
        help='clips x crops, e.g. 1x1 or 4x3 (default: the config\'s)')
    parser.add_argument('--topk', type=int, default=5, help='classes shown')
    parser.add_argument(
        '--allow-class-mismatch',
        action='store_true',
        help='run even if the checkpoint was trained with other class names '
        'or order than the config\'s (an error otherwise)')
    parser.add_argument(
        '--saliency', metavar='PNG', help='write the saliency picture here')
    parser.add_argument(
        '--device', help='e.g. cpu or cuda:0 (default: cuda:0 if available)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    parser.add_argument(
        '--backend', choices=('pytorch', 'onnxruntime'), default='pytorch')
    parser.add_argument('--onnx', metavar='MODEL', help='the ONNX model')
    add_long_video_args(parser)
    args = parser.parse_args()
    if args.topk < 1:
        parser.error('--topk must be at least 1')
    if (args.backend == 'onnxruntime') != (args.onnx is not None):
        parser.error('--backend onnxruntime and --onnx MODEL go together')
    if args.onnx is not None and args.saliency is not None:
        parser.error('--saliency needs the PyTorch backend')
    if args.onnx is not None and args.window is not None:
        parser.error('--window needs the PyTorch backend')
    check_long_video_args(parser, args)
    return args


def add_long_video_args(parser: argparse.ArgumentParser) -> None:
    """The sliding-window options of long videos."""
    parser.add_argument(
        '--window', type=float, metavar='SECONDS',
        help='recognise windows of this length along the video')
    parser.add_argument(
        '--stride', type=float, metavar='SECONDS',
        help='seconds between window starts (default: --window)')
    parser.add_argument(
        '--timeline', nargs='+', default=[], metavar='OUT',
        help='write the windows\' classes to .json, .csv and/or .png files')


def check_long_video_args(parser: argparse.ArgumentParser,
                          args: argparse.Namespace) -> None:
    if args.window is None and (args.stride is not None or args.timeline):
        parser.error('--stride and --timeline need --window')
    if args.window is not None and args.saliency is not None:
        parser.error('--saliency shows one clip; it does not go with '
                     '--window')
    for out_file in args.timeline:
        if osp.splitext(out_file)[1].lower() not in TIMELINE_FORMATS:
            parser.error(f'--timeline {out_file}: the extension must be one '
                         f'of {", ".join(TIMELINE_FORMATS)}')


def recognize_long_video(model, args: argparse.Namespace) -> None:
    """Print the top class of each window and write the timelines."""
    timeline = recognize_windows(model, args.video, args.window, args.stride,
                                 args.views, args.topk)
    print(f'\n{len(timeline.windows)} windows of {args.video}:')
    for window in timeline.windows:
        name, score = window.topk[0]
        print(f'{window.start:8.2f}-{window.end:8.2f}s  {score:.4f}  {name}')
    save_timeline(timeline, args.timeline)
    for out_file in args.timeline:
        print(f'Timeline: {out_file}')


def main() -> None:
    args = parse_args()
    if args.backend == 'onnxruntime':
        result = inference_onnx(args.onnx, args.config, args.video,
                                args.views, args.topk, args.checkpoint,
                                args.labels, args.cfg_options)
    else:
        model = init_recognizer(args.config, args.checkpoint, args.device,
                                args.labels, args.cfg_options,
                                args.allow_class_mismatch)
        if args.window is not None:
            recognize_long_video(model, args)
            return
        result = inference_recognizer(
            model, args.video, args.views, args.topk,
            with_saliency=args.saliency is not None)
    if result.attribute_sentence is not None:
        print(f'Attribute sentence: {result.attribute_sentence}')
    print(f'Top-{len(result.topk)} of {len(result.scores)} classes for '
          f'{args.video}:')
    for rank, (name, score) in enumerate(result.topk, 1):
        print(f'{rank:3d}. {score:.4f}  {name}')
    if args.saliency is not None:
        name, score = result.topk[0]
        plot_temporal_saliency(
            result.frames.numpy(),
            result.saliency[:1].numpy(), [name],
            args.saliency,
            scores=[score],
            attribute_sentence=result.attribute_sentence)
        print(f'Saliency picture: {args.saliency}')


if __name__ == '__main__':
    run_tool(main)
