"""Write ActivityNet's annotated activities as trimmed training segments,
the released BIKE's training set (its 15,409 v1.3 instances), in the
``path start end label`` format of ``VideoSegmentDataset``.

Usage:
    python tools/data/activitynet_instances.py activity_net.v1-3.min.json \
        data/ActivityNet/anet_train_instances.txt \
        [--labels configs/_base_/labels/activitynet1.3.txt] \
        [--subset training] [--video-format v_{}.mp4]
"""
import argparse

from bike_mm.datasets import write_activitynet_instances
from bike_mm.engine.cli import run_tool


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('annotations', help='ActivityNet annotation JSON')
    parser.add_argument('out', help='segment list to write')
    parser.add_argument(
        '--labels',
        default='configs/_base_/labels/activitynet1.3.txt',
        help='class names, one per line (index = label)')
    parser.add_argument('--subset', default='training')
    parser.add_argument(
        '--video-format',
        default='v_{}.mp4',
        help='file name of a video id')
    return parser.parse_args()


def main():
    args = parse_args()
    count = write_activitynet_instances(args.annotations, args.labels,
                                        args.out, args.subset,
                                        args.video_format)
    print(f'{count} {args.subset} instances written to {args.out}')


if __name__ == '__main__':
    run_tool(main)
