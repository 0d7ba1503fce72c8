"""Videos -> frame folders in mmaction's ``RawframeDataset`` layout.

``<out_root>/<video path without extension>/img_00001.jpg, ...`` (1-based,
``filename_tmpl='img_{:05d}.jpg'``) and an annotation file with one
``frame_dir total_frames label [label ...]`` line per video.
"""
import os
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Tuple

import cv2
import numpy as np

from .errors import PreparationError

FILENAME_TMPL = 'img_{:05d}.jpg'


def read_video_annotation(ann_file: str) -> List[Tuple[int, str, str]]:
    """``(line number, video path, labels)`` of each ``path label ...``
    line."""
    if not osp.isfile(ann_file):
        raise PreparationError(f'{ann_file}: annotation file not found')
    entries = []
    with open(ann_file, encoding='utf-8') as f:
        for line_no, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) < 2 or not all(x.isdigit() for x in fields[1:]):
                raise PreparationError(
                    f'{ann_file}, line {line_no}: expected "path label '
                    f'[label ...]" with integer labels, got {line.strip()!r}')
            entries.append((line_no, fields[0], ' '.join(fields[1:])))
    if not entries:
        raise PreparationError(f'{ann_file}: no annotation lines')
    return entries


def frame_indices(num_frames: int, video_fps: float,
                  fps: Optional[float]) -> np.ndarray:
    """The frames kept: all, or every ``video_fps / fps``-th one (nearest
    frame at each tick of the new rate)."""
    if fps is None or fps >= video_fps:
        return np.arange(num_frames)
    ticks = np.arange(0, num_frames, video_fps / fps)
    return np.unique(np.minimum(np.round(ticks).astype(int), num_frames - 1))


def extract_video_frames(video: str, out_dir: str,
                         fps: Optional[float] = None,
                         jpeg_quality: int = 95) -> int:
    """Write the frames of ``video`` as ``out_dir/img_00001.jpg, ...``.

    Returns:
        int: The number of frames written.

    Raises:
        PreparationError: The video is missing, cannot be decoded or has
            no frames.
    """
    import decord
    if not osp.isfile(video):
        raise PreparationError(f'{video}: video not found')
    try:
        reader = decord.VideoReader(video, num_threads=1)
        indices = frame_indices(len(reader), reader.get_avg_fps(), fps)
        frames = reader.get_batch(list(indices)).asnumpy() \
            if len(indices) else []
    except Exception as err:  # decord raises its own DECORDError
        reason = str(err).splitlines()[0] if str(err) else ''
        raise PreparationError(f'{video}: cannot decode: '
                               f'{type(err).__name__} {reason}') from None
    if len(frames) == 0:
        raise PreparationError(f'{video}: no frames')
    os.makedirs(out_dir, exist_ok=True)
    for i, rgb in enumerate(frames, 1):
        cv2.imwrite(osp.join(out_dir, FILENAME_TMPL.format(i)),
                    cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                    [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    return len(frames)


def videos_to_rawframes(ann_file: str, video_root: str, out_root: str,
                        out_ann_file: str, fps: Optional[float] = None,
                        workers: int = 2) -> int:
    """Extract the frames of every video of a ``path label`` annotation
    file and write the matching ``frame_dir total_frames label`` file.

    Returns:
        int: The number of videos extracted.
    """
    entries = read_video_annotation(ann_file)

    def extract(entry):
        frame_dir = osp.splitext(entry[1])[0]
        return extract_video_frames(osp.join(video_root, entry[1]),
                                    osp.join(out_root, frame_dir), fps)

    with ThreadPoolExecutor(workers) as pool:
        counts = list(pool.map(extract, entries))
    with open(out_ann_file, 'w', encoding='utf-8') as f:
        for (_, path, labels), count in zip(entries, counts):
            f.write(f'{osp.splitext(path)[0]} {count} {labels}\n')
    return len(entries)


def check_rawframes(ann_file: str, frames_root: str,
                    filename_tmpl: str = FILENAME_TMPL,
                    start_index: int = 1) -> int:
    """Check a ``frame_dir total_frames label ...`` annotation against its
    frame folders: each exists, is not empty and holds frames
    ``start_index .. start_index + total_frames - 1``.

    Returns:
        int: The number of frame folders checked.
    """
    if not osp.isfile(ann_file):
        raise PreparationError(f'{ann_file}: annotation file not found')
    checked = 0
    with open(ann_file, encoding='utf-8') as f:
        for line_no, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            where = f'{ann_file}, line {line_no}'
            if len(fields) < 3 or not all(x.isdigit() for x in fields[1:]):
                raise PreparationError(
                    f'{where}: expected "frame_dir total_frames label '
                    f'[label ...]", got {line.strip()!r}')
            folder = osp.join(frames_root, fields[0])
            if not osp.isdir(folder):
                raise PreparationError(f'{where}: no frame folder {folder}')
            if not os.listdir(folder):
                raise PreparationError(f'{where}: empty frame folder '
                                       f'{folder}')
            for index in (start_index, start_index + int(fields[1]) - 1):
                frame = osp.join(folder, filename_tmpl.format(index))
                if not osp.isfile(frame):
                    raise PreparationError(
                        f'{where}: {fields[1]} frames announced, {frame} '
                        'is missing')
            checked += 1
    if not checked:
        raise PreparationError(f'{ann_file}: no annotation lines')
    return checked
