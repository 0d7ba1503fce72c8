"""List the videos of an mmaction annotation file that cannot be decoded,
before a long run finds them.

    python tools/check_videos.py ANN_FILE [--data-prefix DIR] [--out BAD.txt]
        [--workers 4]

Each video is opened with decord and its first, middle and last frames are
decoded. Bad videos are printed as ``line N: PATH: reason`` and optionally
written to ``--out`` as annotation lines (to filter the file). The exit code
is 1 when any video is bad.
"""
import argparse
import sys

from bike_mm.datasets.preparation import find_bad_videos
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description='List undecodable videos')
    parser.add_argument('ann_file', help='annotation file ("path label")')
    parser.add_argument('--data-prefix', default='', help='video folder')
    parser.add_argument('--out', help='write the bad annotation lines here')
    parser.add_argument('--workers', type=int, default=4)
    args = parser.parse_args()
    bad = find_bad_videos(args.ann_file, args.data_prefix, args.workers)
    for line_no, path, _, reason in bad:
        print(f'line {line_no}: {path}: {reason}')
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            f.writelines(line + '\n' for _, _, line, _ in bad)
    print(f'{len(bad)} bad video(s) in {args.ann_file}')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    run_tool(main)
