"""The official Charades CSVs (``Charades_v1_{train,test}.csv``) -> our
annotation files.

Columns used: ``id``, ``actions`` (``"c092 11.90 21.20;c147 0.00 12.60"``:
class, start and end in seconds) and ``length`` (seconds).

* video level (multi-label, paper Table 3): ``<id>.mp4 label label ...``
  for :class:`CheckedVideoDataset` with ``multi_class=True``, or
  ``<id> total_frames label label ...`` for mmaction's ``RawframeDataset``;
* segment level (the released training setting: one single-label sample
  per action segment, frames from its start to its end): mmaction's
  ``RawframeDataset(with_offset=True)`` lines
  ``<id> offset total_frames label``.
"""
import csv
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .errors import PreparationError

REQUIRED_COLUMNS = ('id', 'actions', 'length')
NUM_CLASSES = 157
_CLASS_ID = re.compile(r'c(\d+)')


@dataclass
class CharadesVideo:
    """One row of a Charades CSV.

    Args:
        video_id (str): e.g. ``46GP8``.
        length (float): Duration in seconds.
        actions (list[tuple]): ``(class index, start s, end s)``.
    """
    video_id: str
    length: float
    actions: List[Tuple[int, float, float]]


def _parse_actions(text: str, where: str,
                   num_classes: int) -> List[Tuple[int, float, float]]:
    actions = []
    for item in filter(None, (s.strip() for s in text.split(';'))):
        fields = item.split()
        match = _CLASS_ID.fullmatch(fields[0]) if fields else None
        if len(fields) != 3 or match is None:
            raise PreparationError(
                f'{where}, field "actions": expected "cNNN start end", got '
                f'{item!r}')
        label = int(match.group(1))
        if label >= num_classes:
            raise PreparationError(
                f'{where}, field "actions": unknown class id {fields[0]} '
                f'(Charades has c000..c{num_classes - 1:03d})')
        try:
            actions.append((label, float(fields[1]), float(fields[2])))
        except ValueError:
            raise PreparationError(
                f'{where}, field "actions": times of {item!r} are not '
                'numbers') from None
    return actions


def read_charades_csv(path: str,
                      num_classes: int = NUM_CLASSES) -> List[CharadesVideo]:
    """The videos of an official Charades CSV, in file order.

    Raises:
        PreparationError: A missing file or column, a malformed ``actions``
            or ``length`` field or an unknown class id, naming the file,
            line and field.
    """
    if not osp.isfile(path):
        raise PreparationError(f'{path}: Charades CSV not found')
    videos = []
    with open(path, encoding='utf-8', newline='') as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED_COLUMNS
                   if c not in (reader.fieldnames or [])]
        if missing:
            raise PreparationError(
                f'{path}: missing column(s) {", ".join(missing)} (the '
                f'header is {",".join(reader.fieldnames or [])!r})')
        first_line = reader.line_num + 1  # a row may span several lines
        for row in reader:
            where = f'{path}, line {first_line}'
            first_line = reader.line_num + 1
            if not row['id']:
                raise PreparationError(f'{where}, field "id": empty')
            try:
                length = float(row['length'])
            except (TypeError, ValueError):
                raise PreparationError(
                    f'{where}, field "length": not a number: '
                    f'{row["length"]!r}') from None
            videos.append(
                CharadesVideo(row['id'], length,
                              _parse_actions(row['actions'] or '', where,
                                             num_classes)))
    if not videos:
        raise PreparationError(f'{path}: no videos')
    return videos


def count_frames(frames_root: str, video_id: str) -> int:
    """Frames in ``frames_root/video_id``; an error for a missing or empty
    folder."""
    folder = osp.join(frames_root, video_id)
    if not osp.isdir(folder):
        raise PreparationError(f'{folder}: frame folder not found')
    count = len(os.listdir(folder))
    if not count:
        raise PreparationError(f'{folder}: empty frame folder')
    return count


def video_level_lines(videos: List[CharadesVideo],
                      fmt: str = 'videos',
                      video_ext: str = '.mp4',
                      fps: float = 24.0,
                      frames_root: Optional[str] = None
                      ) -> Tuple[List[str], int]:
    """One multi-label line per video with at least one action: its
    distinct classes, ascending.

    Args:
        fmt (str): ``videos`` (``<id><video_ext> labels``) or ``rawframes``
            (``<id> total_frames labels``; frames counted in
            ``frames_root`` if given, else ``int(length * fps)``).

    Returns:
        tuple: The lines and the number of videos left out (no action).
    """
    lines, skipped = [], 0
    for video in videos:
        if not video.actions:
            skipped += 1
            continue
        labels = ' '.join(str(c) for c in sorted({a[0]
                                                  for a in video.actions}))
        if fmt == 'videos':
            lines.append(f'{video.video_id}{video_ext} {labels}')
        else:
            total = count_frames(frames_root, video.video_id) \
                if frames_root else int(video.length * fps)
            lines.append(f'{video.video_id} {total} {labels}')
    return lines, skipped


def segment_level_lines(videos: List[CharadesVideo],
                        fps: float = 24.0) -> Tuple[List[str], int]:
    """One ``<id> offset total_frames label`` line per action segment, as
    the released code trains: the end is clipped to the video's length,
    frames ``offset + 1 .. offset + total_frames`` at ``fps`` frames a
    second (``offset = int(start * fps)``); segments without frames are
    left out.

    Returns:
        tuple: The lines and the number of segments left out.
    """
    lines, skipped = [], 0
    for video in videos:
        for label, start, end in video.actions:
            end = min(end, video.length)
            offset = int(start * fps)
            total = int(end * fps - start * fps)
            if total < 1:
                skipped += 1
                continue
            lines.append(f'{video.video_id} {offset} {total} {label}')
    return lines, skipped


def convert_charades(csv_path: str, out_file: str, level: str = 'video',
                     fmt: str = 'videos', fps: float = 24.0,
                     frames_root: Optional[str] = None,
                     num_classes: int = NUM_CLASSES) -> Dict[str, int]:
    """Write the annotation file of one Charades CSV.

    Args:
        level (str): ``video`` (multi-label) or ``segment`` (released
            training setting; rawframes with offsets).
        fmt (str): ``videos`` or ``rawframes`` (video level only).

    Returns:
        dict: ``lines`` written and ``skipped`` videos or segments.
    """
    if level not in ('video', 'segment'):
        raise PreparationError(f'level must be video or segment, not '
                               f'{level!r}')
    if fmt not in ('videos', 'rawframes'):
        raise PreparationError(f'format must be videos or rawframes, not '
                               f'{fmt!r}')
    videos = read_charades_csv(csv_path, num_classes)
    if level == 'video':
        lines, skipped = video_level_lines(videos, fmt, fps=fps,
                                           frames_root=frames_root)
    else:
        lines, skipped = segment_level_lines(videos, fps)
    with open(out_file, 'w', encoding='utf-8') as f:
        f.write(''.join(line + '\n' for line in lines))
    return dict(lines=len(lines), skipped=skipped)
