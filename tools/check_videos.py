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
import os.path as osp
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Tuple

import decord

from bike_mm.datasets import parse_annotation_file
from bike_mm.engine.cli import run_tool


def check_video(path: str) -> Optional[str]:
    """Return why ``path`` cannot be decoded, or None if it can."""
    if not osp.isfile(path):
        return 'file not found'
    try:
        reader = decord.VideoReader(path, num_threads=1)
        num_frames = len(reader)
        if num_frames == 0:
            return 'no frames'
        reader.get_batch([0, num_frames // 2, num_frames - 1]).asnumpy()
    except Exception as err:  # decord raises its own DECORDError and others
        return f'{type(err).__name__}: {str(err).splitlines()[0]}'
    return None


def find_bad_videos(ann_file: str, data_prefix: str = '',
                    workers: int = 4) -> List[Tuple[int, str, str, str]]:
    """Check every video of ``ann_file``.

    Returns:
        list[tuple]: ``(line number, path, annotation line, reason)`` of each
        bad video.
    """
    # the dataset's own parser: the same lines, paths and errors
    entries = [(entry.line_no, osp.join(data_prefix, entry.path), entry.text)
               for entry in parse_annotation_file(ann_file, multi_class=True)]
    with ThreadPoolExecutor(workers) as pool:
        reasons = list(pool.map(check_video, [e[1] for e in entries]))
    return [(*entry, reason) for entry, reason in zip(entries, reasons)
            if reason is not None]


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
