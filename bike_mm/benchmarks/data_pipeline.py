"""Training-pipeline throughput of bike_mm next to the released BIKE code.

One process, one training clip at a time, rows interleaved (each repeat
runs every row once, so the noise of a shared machine hits all alike),
medians reported with ratios to the released row of the same source:

- **bike_mm**: the training pipeline of a zoo config (default: BIKE
  ViT-B/32, 8 frames, 224px, Kinetics-400); on frame folders the same
  pipeline with ``frames='rawframes'``, as :func:`video_pipeline` builds it
  for ``RawframeDataset``. *Decode* runs the steps up to the decoding one,
  *augmentation* the rest up to ``PackActionInputs`` (uint8 frames;
  normalisation is the data preprocessor's, on the device).
- **released**: ``datasets/video.py`` (``Video_dataset``: sampling, decord
  or PIL loading) and ``datasets/transforms.py`` of github.com/whwu95/BIKE,
  imported from a checkout you give (never copied into bike_mm), with the
  training transform of its ``utils/Augmentation.py`` for Kinetics at
  224px (scale to 256, random sized crop, flip, grayscale 0.2, stack,
  float tensor, normalise). *Decode* ends when its transform is called.

Both sides run as in a DataLoader worker: one torch thread and OpenCV's
threads as the configs set them (``env_cfg.mp_cfg.opencv_num_threads``);
decord's threads are each side's own (released: decord's default, 0 =
automatic). The *CPU* column is the process time of a clip over all
threads: with every core busy with workers, throughput is cores / CPU.
"""
import importlib.util
import os
import os.path as osp
import statistics
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(REPO_ROOT, 'configs', 'bike',
                          'bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py')
RELEASED_SOURCES = ('datasets/video.py', 'datasets/transforms.py')
# utils/Augmentation.py of the released code for Kinetics (CLIP's mean/std)
RELEASED_MEAN = [0.48145466, 0.4578275, 0.40821073]
RELEASED_STD = [0.26862954, 0.26130258, 0.27577711]
FRAME_TEMPLATE = 'img_{:05d}.jpg'

# (decode seconds, augmentation seconds) of one clip
ClipLoader = Callable[[], Tuple[float, float]]


def _load_file(name: str, path: str):
    """Import one source file of the released code as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _decode_end(pipeline: Sequence[dict]) -> int:
    """Index after the decoding step (``...Decode``) of a pipeline."""
    for index, step in enumerate(pipeline):
        if step['type'].endswith('Decode'):
            return index + 1
    raise ValueError('the pipeline has no decoding step (*Decode)')


def config_pipelines(config: str) -> Tuple[List[dict], List[dict], int]:
    """The training pipelines of ``config`` on videos and on frame folders,
    and its OpenCV thread setting.

    The frame-folder pipeline is :func:`video_pipeline` with
    ``frames='rawframes'`` and the config's sampling and sizes.
    """
    from mmengine.config import Config

    from ..datasets import video_pipeline
    cfg = Config.fromfile(config)
    video = cfg.train_dataloader.dataset.pipeline
    steps = {step['type']: step for step in video}
    rawframes = video_pipeline(
        steps['ReleasedUniformSample']['clip_len'],
        steps['Resize']['scale'][0], train=True,
        short_side=steps['ShortSideResize']['short_side'],
        frames='rawframes')
    threads = cfg.get('env_cfg', {}).get('mp_cfg', {}).get(
        'opencv_num_threads', 0)
    return list(video), rawframes, threads


def bike_mm_loader(pipeline: Sequence[dict], sample: dict) -> ClipLoader:
    """One clip through a bike_mm pipeline, timed in two stages."""
    from mmaction.utils import register_all_modules
    from mmengine.dataset import Compose

    from .. import datasets  # noqa: F401  (registers the transforms)
    register_all_modules()
    end = _decode_end(pipeline)
    decode, augment = Compose(pipeline[:end]), Compose(pipeline[end:])

    def load() -> Tuple[float, float]:
        start = time.perf_counter()
        results = decode(dict(sample))
        decoded = time.perf_counter()
        augment(results)
        return decoded - start, time.perf_counter() - decoded

    return load


def released_modules(released_path: str):
    """``(video module, transforms module)`` of a released checkout."""
    for source in RELEASED_SOURCES:
        if not osp.isfile(osp.join(released_path, source)):
            raise FileNotFoundError(
                f'{released_path} is not a checkout of the released BIKE '
                f'code: it has no {source}')
    try:
        video = _load_file('released_video',
                           osp.join(released_path, 'datasets', 'video.py'))
    except ImportError as err:  # its requirements (pandas) are not ours
        raise ValueError(f'the released code in {released_path} cannot be '
                         f'imported: {err}; install its requirements')
    transforms = _load_file(
        'released_transforms',
        osp.join(released_path, 'datasets', 'transforms.py'))
    return video, transforms


def released_train_transform(transforms, input_size: int = 224):
    """The training transform of the released ``get_augmentation`` for
    Kinetics (scale 256 for 224 inputs, flip, grayscale 0.2)."""
    import torchvision
    compose = torchvision.transforms.Compose
    return compose([
        compose([
            transforms.GroupScale(256 if input_size == 224 else input_size),
            compose([
                transforms.GroupRandomSizedCrop(input_size),
                transforms.GroupRandomHorizontalFlip(is_flow=False)
            ]),
            transforms.GroupRandomGrayscale(p=0.2)
        ]),
        compose([
            transforms.Stack(roll=False),
            transforms.ToTorchFormatTensor(div=True),
            transforms.GroupNormalize(RELEASED_MEAN, RELEASED_STD)
        ])
    ])


def released_loader(modules, root: str, name: str, total_frames: int,
                    num_frames: int, work_dir: str,
                    modality: str) -> ClipLoader:
    """One clip of ``num_frames`` through the released ``Video_dataset``:
    ``modality`` ``'video'`` (``root/name`` a video) or ``'RGB'`` (a frame
    folder of ``total_frames``)."""
    video, transforms = modules
    augment = released_train_transform(transforms)
    times = {}

    def timed(item):
        times['decoded'] = time.perf_counter()
        return augment(item)

    list_file = osp.join(work_dir, f'released_{modality}_{name}.txt')
    with open(list_file, 'w') as f:
        f.write(f'{name} {total_frames} 0\n')
    dataset = video.Video_dataset(
        root, list_file, labels_file=None, num_segments=num_frames,
        modality=modality, image_tmpl=FRAME_TEMPLATE, transform=timed,
        random_shift=True, index_bias=1)

    def load() -> Tuple[float, float]:
        start = time.perf_counter()
        dataset[0]
        return times['decoded'] - start, time.perf_counter() - times[
            'decoded']

    return load


def extract_frames(video: str, out_dir: str) -> Tuple[str, int]:
    """The frame folder of ``video`` (``tools/data/extract_frames.py``'s
    layout), written once into ``out_dir``."""
    from ..datasets.preparation.rawframes import extract_video_frames
    frame_dir = osp.join(out_dir,
                         osp.splitext(osp.basename(video))[0] + '_frames')
    if not osp.isdir(frame_dir):
        extract_video_frames(video, frame_dir)
    return frame_dir, len(os.listdir(frame_dir))


def build_rows(videos: Sequence[str], work_dir: str,
               released_path: Optional[str], config: str = DEFAULT_CONFIG
               ) -> Dict[Tuple[str, str, str], ClipLoader]:
    """The clip loaders of every row, keyed by ``(source, side, setting)``:
    each video and its frame folder, bike_mm as configured and with the
    released side's decord threads, and the released code."""
    video_pipe, frame_pipe, cv2_threads = config_pipelines(config)
    import cv2
    import torch
    torch.set_num_threads(1)  # as in a DataLoader worker
    cv2.setNumThreads(cv2_threads)
    num_frames = next(step['clip_len'] for step in video_pipe
                      if step['type'] == 'ReleasedUniformSample')
    for path in videos:
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: video not found')
    modules = released_modules(released_path) if released_path else None
    os.makedirs(work_dir, exist_ok=True)
    equal_threads = [dict(step, num_threads=0)
                     if step['type'] == 'DecordInit' else step
                     for step in video_pipe]
    rows = {}
    for path in videos:
        video = osp.basename(path)
        frame_dir, total = extract_frames(path, work_dir)
        frames = f'{video} frames'
        rows[(video, 'bike_mm', 'config')] = bike_mm_loader(
            video_pipe, dict(filename=path, label=0, start_index=0,
                             modality='RGB'))
        rows[(video, 'bike_mm', 'decord threads 0')] = bike_mm_loader(
            equal_threads, dict(filename=path, label=0, start_index=0,
                                modality='RGB'))
        rows[(frames, 'bike_mm', 'config')] = bike_mm_loader(
            frame_pipe, dict(frame_dir=frame_dir, total_frames=total,
                             filename_tmpl=FRAME_TEMPLATE, label=0,
                             start_index=1, modality='RGB'))
        if modules:
            rows[(video, 'released', 'released')] = released_loader(
                modules, osp.dirname(osp.abspath(path)), video, total,
                num_frames, work_dir, 'video')
            rows[(frames, 'released', 'released')] = released_loader(
                modules, work_dir, osp.basename(frame_dir), total,
                num_frames, work_dir, 'RGB')
    return rows


def measure(rows: Dict[tuple, ClipLoader], repeats: int,
            warmup: int = 1) -> Dict[tuple, dict]:
    """Interleaved repeats of every row; medians of decode, augmentation,
    total wall time and process (CPU) time per clip, in seconds."""
    samples = {key: [] for key in rows}
    for index in range(warmup + repeats):
        for key, load in rows.items():
            cpu = time.process_time()
            decode_s, augment_s = load()
            cpu = time.process_time() - cpu
            if index >= warmup:
                samples[key].append((decode_s, augment_s, cpu))
    return {
        key: dict(decode_s=statistics.median(s[0] for s in values),
                  augment_s=statistics.median(s[1] for s in values),
                  total_s=statistics.median(s[0] + s[1] for s in values),
                  cpu_s=statistics.median(s[2] for s in values))
        for key, values in samples.items()
    }


def format_results(results: Dict[tuple, dict]) -> str:
    """A markdown table; ratios are the released row's time of the same
    source over this row's (> 1: faster than the released code)."""
    lines = [
        '| source | side | setting | decode (ms) | augmentation (ms) | '
        'clips/s | CPU (ms/clip) | speed-up | CPU speed-up |',
        '|---|---|---|---|---|---|---|---|---|'
    ]
    for (source, side, setting), row in results.items():
        released = results.get((source, 'released', 'released'))
        ratios = ['', '']
        if released:
            ratios = [f"{released['total_s'] / row['total_s']:.2f}x",
                      f"{released['cpu_s'] / row['cpu_s']:.2f}x"]
        lines.append(
            f"| {source} | {side} | {setting} | "
            f"{row['decode_s'] * 1e3:.1f} | {row['augment_s'] * 1e3:.1f} | "
            f"{1 / row['total_s']:.2f} | {row['cpu_s'] * 1e3:.0f} | "
            f"{ratios[0]} | {ratios[1]} |")
    return '\n'.join(lines)


def run(videos: Sequence[str], work_dir: str,
        released_path: Optional[str] = None, repeats: int = 10,
        config: str = DEFAULT_CONFIG) -> Dict[tuple, dict]:
    """Build every row and measure it (seeded sampling and crops)."""
    import random

    import torch
    rows = build_rows(videos, work_dir, released_path, config)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    return measure(rows, repeats)

