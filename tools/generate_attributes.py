"""Generate video attributes with a CLIP model (BIKE paper Sec. 2.2, the
Video-Attributes Association; supplement A.2).

For every video of an mmaction annotation file (``path label`` lines), T
frames are sampled uniformly and encoded by the CLIP image encoder; their mean
(L2-normalised) is compared with the CLIP text embedding of every phrase of a
lexicon, and the top-k phrases with their cosine similarities are written to a
JSON file keyed by the video's path as written in the annotation file (format:
``bike_mm/attributes/attribute_file.py``, docs/attributes.md). The work is
done by :func:`bike_mm.attributes.generate_attributes`.

    python tools/generate_attributes.py ANN_FILE --data-prefix DIR \\
        --lexicon LABELS --out OUT.json [--arch ViT-L-14] \\
        [--pretrained openai] [--num-frames 8] [--topk 5]

    # distributed: every process encodes a shard; rank 0 merges
    torchrun --nproc_per_node N tools/generate_attributes.py ... \\
        --launcher pytorch

The run is resumable: videos already in OUT (or in the ``OUT.part<rank>``
files that an interrupted run saves every ``--save-interval`` videos) are
skipped; videos listed as errors are tried again. Videos that cannot be
decoded are reported, listed under ``errors`` in OUT, and the run goes on.
"""
import argparse
from typing import Optional, Sequence

from bike_mm.attributes import generate_attributes
from bike_mm.engine.cli import run_tool


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate the attributes of the videos of an annotation '
        'file with a CLIP model (BIKE Video-Attributes Association)')
    parser.add_argument('ann_file', help='mmaction annotation file')
    parser.add_argument(
        '--data-prefix', default='', help='folder the video paths are in')
    parser.add_argument(
        '--lexicon',
        required=True,
        help='phrases, one per line (e.g. the dataset label file, or '
        'ImageNet-1K class names); a .csv with id,name columns works too')
    parser.add_argument('--out', required=True, help='output JSON file')
    parser.add_argument(
        '--arch', default='ViT-L-14', help='open_clip model name')
    parser.add_argument(
        '--pretrained',
        default='openai',
        help='open_clip pretrained tag or checkpoint file; "none" for '
        'random weights')
    parser.add_argument(
        '--checkpoint',
        help='bike_mm recognizer checkpoint whose backbone CLIP weights '
        'replace --pretrained')
    parser.add_argument(
        '--no-quick-gelu',
        dest='quick_gelu',
        action='store_false',
        help='GELU instead of QuickGELU (non-OpenAI open_clip weights)')
    parser.add_argument(
        '--num-frames', type=int, default=8, help='frames per video T')
    parser.add_argument(
        '--topk', type=int, default=5, help='attributes kept per video')
    parser.add_argument(
        '--template',
        default='This is a video about {}',
        help='prompt the lexicon phrases are encoded in')
    parser.add_argument(
        '--batch-size', type=int, default=16, help='videos per batch')
    parser.add_argument(
        '--num-workers', type=int, default=2, help='decoding processes')
    parser.add_argument(
        '--save-interval',
        type=int,
        default=1000,
        help='save partial results every this many videos (per process)')
    parser.add_argument(
        '--device', help='torch device; default: cuda if available')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch'], default='none')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    generate_attributes(**vars(args))


if __name__ == '__main__':
    run_tool(main)
