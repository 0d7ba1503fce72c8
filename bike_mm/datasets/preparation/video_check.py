"""Whether videos decode with decord, checked before a run finds out."""
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Sequence, Tuple

import decord

from ..checked_video_dataset import parse_annotation_file


def video_decode_error(path: str) -> Optional[str]:
    """Why ``path`` cannot be decoded, or None if it can.

    The video is opened with decord and its first, middle and last frames
    are decoded (a truncated file usually fails on the last one).
    """
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


def video_decode_errors(paths: Sequence[str],
                        workers: int = 4) -> List[Optional[str]]:
    """:func:`video_decode_error` of each path (in threads: decord releases
    the GIL while it decodes), in the order of ``paths``."""
    with ThreadPoolExecutor(max(workers, 1)) as pool:
        return list(pool.map(video_decode_error, paths))


def find_bad_videos(ann_file: str, data_prefix: str = '',
                    workers: int = 4) -> List[Tuple[int, str, str, str]]:
    """Check every video of an mmaction annotation file.

    Args:
        ann_file (str): ``path label`` lines, read by the datasets' own
            parser (the same lines, paths and errors).
        data_prefix (str): Folder the paths are relative to.
        workers (int): Decoding threads.

    Returns:
        list[tuple]: ``(line number, path, annotation line, reason)`` of each
        bad video.
    """
    entries = [(entry.line_no, osp.join(data_prefix, entry.path), entry.text)
               for entry in parse_annotation_file(ann_file, multi_class=True)]
    reasons = video_decode_errors([e[1] for e in entries], workers)
    return [(*entry, reason) for entry, reason in zip(entries, reasons)
            if reason is not None]
