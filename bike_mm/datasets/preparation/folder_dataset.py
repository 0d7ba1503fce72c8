"""A dataset from a folder of class folders: ``ROOT/<class>/<video>``.

:func:`build_folder_dataset` turns such a tree into what the configs read:
annotation lists (``relative/path label``, relative to ROOT), a label file
and a record of the videos that do not decode
(``tools/data/build_from_folders.py``).
"""
import os
import os.path as osp
import random
from typing import Dict, List, NamedTuple, Sequence, Tuple

from .errors import PreparationError
from .video_check import video_decode_errors

# file endings taken as videos; other files in a class folder are ignored
VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mkv', '.mov', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.flv', '.wmv', '.3gp', '.ts')
SPLITS = ('train', 'val', 'test')


class FolderDataset(NamedTuple):
    """What :func:`build_folder_dataset` wrote.

    Attributes:
        class_names (list[str]): Class names, index = label.
        splits (dict[str, list[tuple[str, int]]]): ``(path relative to
            ROOT, label)`` of each written split (``test`` only if asked).
        bad_videos (list[tuple[str, str]]): ``(path relative to ROOT,
            reason)`` of each video left out because it does not decode.
        train_only (list[str]): Classes with a single good video, which is
            in the training split only.
        files (dict[str, str]): Written files by role (``'train'``, ...,
            ``'labels'``, ``'bad_videos'``).
    """
    class_names: List[str]
    splits: Dict[str, List[Tuple[str, int]]]
    bad_videos: List[Tuple[str, str]]
    train_only: List[str]
    files: Dict[str, str]


def class_name(folder: str) -> str:
    """The class name of a folder: ``_`` read as a space."""
    return ' '.join(folder.replace('_', ' ').split())


def scan_class_folders(root: str) -> List[Tuple[str, List[str]]]:
    """The class folders of ``root`` (sorted) and their videos.

    Videos are the files with a video ending anywhere under a class folder
    (sorted paths relative to ``root``); hidden files and folders are
    skipped.

    Returns:
        list[tuple[str, list[str]]]: ``(class name, video paths)``.

    Raises:
        PreparationError: ``root`` missing, no class folder, a class folder
            without videos, two folders giving the same class name, or a path
            with whitespace (annotation lines split on it).
    """
    if not osp.isdir(root):
        raise PreparationError(f'video folder not found: {root}')
    folders = sorted(d for d in os.listdir(root)
                     if not d.startswith('.') and osp.isdir(osp.join(root, d)))
    if not folders:
        raise PreparationError(f'{root} holds no class folder (expected '
                               f'{root}/<class>/<video>)')
    classes, seen = [], {}
    for folder in folders:
        name = class_name(folder)
        if not name:
            raise PreparationError(f'class folder {osp.join(root, folder)} '
                                   'gives an empty class name')
        if name in seen:
            raise PreparationError(
                f'class folders {osp.join(root, seen[name])} and '
                f'{osp.join(root, folder)} both give the class "{name}"')
        seen[name] = folder
        videos = []
        for parent, dirs, files in os.walk(osp.join(root, folder)):
            dirs[:] = [d for d in dirs if not d.startswith('.')]
            videos += [
                osp.relpath(osp.join(parent, f), root) for f in files
                if not f.startswith('.')
                and f.lower().endswith(VIDEO_EXTENSIONS)
            ]
        if not videos:
            raise PreparationError(
                f'class folder {osp.join(root, folder)} holds no video '
                f'(files ending in {", ".join(VIDEO_EXTENSIONS)})')
        for path in videos:
            if len(path.split()) != 1:
                raise PreparationError(
                    f'{osp.join(root, path)}: whitespace in the path '
                    '(annotation lines are "path label"); rename it')
        classes.append((name, sorted(videos)))
    return classes


def split_counts(num_videos: int, val_ratio: float,
                 test_ratio: float) -> Tuple[int, int]:
    """Validation and test videos of a class of ``num_videos``.

    Each is the rounded ratio, at least one where the ratio is positive,
    while at least one video stays for training (validation is served
    first).
    """
    counts = []
    left = num_videos - 1  # one stays in train
    for ratio in (val_ratio, test_ratio):
        wanted = max(round(num_videos * ratio), 1) if ratio > 0 else 0
        counts.append(min(wanted, left))
        left -= counts[-1]
    return counts[0], counts[1]


def stratified_split(classes: Sequence[Tuple[str, Sequence[str]]],
                     val_ratio: float, test_ratio: float,
                     seed: int) -> Dict[str, List[Tuple[str, int]]]:
    """Split each class's videos at random (``seed``) by the ratios.

    Every class is in the training split; see :func:`split_counts`.

    Returns:
        dict[str, list[tuple[str, int]]]: ``(path, label)`` per split,
        sorted by path.
    """
    rng = random.Random(seed)
    splits = {split: [] for split in SPLITS}
    for label, (_, videos) in enumerate(classes):
        videos = list(videos)
        rng.shuffle(videos)
        num_val, num_test = split_counts(len(videos), val_ratio, test_ratio)
        parts = dict(val=videos[:num_val],
                     test=videos[num_val:num_val + num_test],
                     train=videos[num_val + num_test:])
        for split, paths in parts.items():
            splits[split] += [(path, label) for path in paths]
    return {split: sorted(items) for split, items in splits.items()}


def check_out_dir(out_dir: str, force: bool) -> None:
    """Refuse an existing non-empty ``out_dir`` unless ``force`` (files are
    then written over, nothing is deleted)."""
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise PreparationError(f'--out {out_dir} is a file, not a folder')
    if osp.isdir(out_dir) and os.listdir(out_dir) and not force:
        raise PreparationError(
            f'{out_dir} exists and is not empty; choose another --out or '
            'pass --force to write over its files (nothing is deleted)')


def build_folder_dataset(root: str,
                         out_dir: str,
                         val_ratio: float = 0.2,
                         test_ratio: float = 0.0,
                         seed: int = 0,
                         force: bool = False,
                         workers: int = 4) -> FolderDataset:
    """Check every video of ``root/<class>/<video>`` and write the dataset
    files into ``out_dir``.

    Written: ``labels.txt`` (one class name per line), ``train.txt``,
    ``val.txt`` and, with ``test_ratio > 0``, ``test.txt`` (mmaction's
    ``path label`` lines, paths relative to ``root``), and
    ``bad_videos.txt`` (``path: reason`` of each video that does not
    decode; left out of the lists, empty when all decode).

    Args:
        root (str): Folder of class folders.
        out_dir (str): Output folder, created if missing.
        val_ratio (float): Share of each class for validation.
        test_ratio (float): Share of each class for testing (0: no test
            split).
        seed (int): Seed of the split.
        force (bool): Write into a non-empty ``out_dir``.
        workers (int): Decoding threads of the video check.

    Returns:
        FolderDataset: The classes, splits, bad videos and written files.

    Raises:
        PreparationError: Bad ratios, ``root`` or ``out_dir`` (see
            :func:`scan_class_folders`, :func:`check_out_dir`), a class whose
            videos are all bad, or no class with a video for validation.
    """
    if not 0 < val_ratio < 1 or not 0 <= test_ratio < 1 \
            or val_ratio + test_ratio >= 1:
        raise PreparationError(
            f'--val-ratio {val_ratio} and --test-ratio {test_ratio}: need '
            '0 < val, 0 <= test and val + test < 1')
    classes = scan_class_folders(root)
    check_out_dir(out_dir, force)
    paths = [path for _, videos in classes for path in videos]
    reasons = dict(zip(paths, video_decode_errors(
        [osp.join(root, path) for path in paths], workers)))
    bad = [(path, reason) for path, reason in reasons.items() if reason]
    os.makedirs(out_dir, exist_ok=True)
    files = dict(labels=osp.join(out_dir, 'labels.txt'),
                 bad_videos=osp.join(out_dir, 'bad_videos.txt'))
    _write_lines(files['bad_videos'],
                 [f'{path}: {reason}' for path, reason in bad])
    good = [(name, [p for p in videos if not reasons[p]])
            for name, videos in classes]
    for name, videos in good:
        if not videos:
            raise PreparationError(
                f'every video of class "{name}" fails to decode (listed in '
                f'{files["bad_videos"]})')
    splits = stratified_split(good, val_ratio, test_ratio, seed)
    if not splits['val']:
        raise PreparationError(
            f'no class of {root} has two videos that decode: nothing left '
            'for validation')
    if test_ratio == 0:
        del splits['test']
    _write_lines(files['labels'], [name for name, _ in classes])
    for split, items in splits.items():
        files[split] = osp.join(out_dir, f'{split}.txt')
        _write_lines(files[split],
                     [f'{path} {label}' for path, label in items])
    return FolderDataset(
        class_names=[name for name, _ in classes],
        splits=splits,
        bad_videos=bad,
        train_only=[name for name, videos in good if len(videos) == 1],
        files=files)


def _write_lines(path: str, lines: Sequence[str]) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        f.writelines(line + '\n' for line in lines)
