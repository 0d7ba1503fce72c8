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
  training transform of its ``utils/Augmentation.py`` for Kinetics at the
  config's input size (224: scale to 256, random sized crop, flip,
  grayscale 0.2, stack, float tensor, normalise). *Decode* ends when its
  transform is called.

Both sides run as in a DataLoader worker: one torch thread and OpenCV's
threads as the configs set them (``env_cfg.mp_cfg.opencv_num_threads``);
decord's threads are each side's own (released: decord's default, 0 =
automatic). The *CPU* column is the process time of a clip over all
threads: with every core busy with workers, throughput is cores / CPU.
"""
import os
import os.path as osp
import statistics
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from torch.utils.data import DataLoader, Dataset

from .released_comparison import _load_file

RELEASED_SOURCES = ('datasets/video.py', 'datasets/transforms.py')
# utils/Augmentation.py of the released code for Kinetics (CLIP's mean/std)
RELEASED_MEAN = [0.48145466, 0.4578275, 0.40821073]
RELEASED_STD = [0.26862954, 0.26130258, 0.27577711]
FRAME_TEMPLATE = 'img_{:05d}.jpg'

# (decode seconds, augmentation seconds) of one clip
ClipLoader = Callable[[], Tuple[float, float]]


def _decode_end(pipeline: Sequence[dict]) -> int:
    """Index after the decoding step (``...Decode``) of a pipeline."""
    for index, step in enumerate(pipeline):
        if step['type'].endswith('Decode'):
            return index + 1
    raise ValueError('the pipeline has no decoding step (*Decode)')


def config_pipelines(config: str) -> Tuple[List[dict], List[dict], int]:
    """The training pipelines of ``config`` on videos and on frame folders
    (input size: the last ``Resize``), and its OpenCV thread setting.

    The frame-folder pipeline is :func:`video_pipeline` with
    ``frames='rawframes'`` and the config's sampling and sizes.
    """
    from mmengine.config import Config

    from bike_mm.datasets import video_pipeline
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


def _compose(pipeline: Sequence[dict]):
    """mmengine's ``Compose`` of a pipeline of mmaction and bike_mm
    transforms."""
    from mmaction.utils import register_all_modules
    from mmengine.dataset import Compose

    from bike_mm import datasets  # noqa: F401  (registers the transforms)
    register_all_modules()
    return Compose(pipeline)


def bike_mm_loader(pipeline: Sequence[dict], sample: dict) -> ClipLoader:
    """One clip through a bike_mm pipeline, timed in two stages."""
    end = _decode_end(pipeline)
    decode, augment = _compose(pipeline[:end]), _compose(pipeline[end:])

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
        raise ValueError(
            f'the released code in {released_path} cannot be imported: '
            f'{err}; install its requirements') from None
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


def released_dataset(video_module, root: str, name: str, total_frames: int,
                     num_frames: int, work_dir: str, modality: str,
                     transform, length: int = 1):
    """The released ``Video_dataset`` of ``length`` copies of one video:
    ``modality`` ``'video'`` (``root/name`` a video) or ``'RGB'`` (a
    frame folder of ``total_frames``), clips of ``num_frames``."""
    list_file = osp.join(work_dir, f'released_{modality}_{name}.txt')
    with open(list_file, 'w') as f:
        f.write(f'{name} {total_frames} 0\n' * length)
    return video_module.Video_dataset(
        root, list_file, labels_file=None, num_segments=num_frames,
        modality=modality, image_tmpl=FRAME_TEMPLATE, transform=transform,
        random_shift=True, index_bias=1)


def released_loader(released: tuple, *source) -> ClipLoader:
    """One clip through the released code (``released``: its video module
    and training transform; ``source``: the arguments of
    :func:`released_dataset` up to ``transform``), timed in two stages:
    decoding ends when its transform is called."""
    video_module, augment = released
    times = {}

    def timed(item):
        times['decoded'] = time.perf_counter()
        return augment(item)

    dataset = released_dataset(video_module, *source, transform=timed)

    def load() -> Tuple[float, float]:
        start = time.perf_counter()
        dataset[0]
        return times['decoded'] - start, time.perf_counter() - times[
            'decoded']

    return load


class PipelineDataset(Dataset):
    """``length`` copies of one sample through a bike_mm pipeline (built in
    the process that reads it)."""

    def __init__(self, pipeline: Sequence[dict], sample: dict,
                 length: int) -> None:
        self.pipeline, self.sample, self.length = pipeline, sample, length
        self.compose = None

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        if self.compose is None:
            self.compose = _compose(self.pipeline)
        return self.compose(dict(self.sample))


def loader_rate(dataset, workers: int, batch_size: int,
                collate_fn=None) -> float:
    """Clips/s of a DataLoader over ``dataset``, from starting its workers
    to its last batch (the workers' prefetched batches would flatter a
    clock started later)."""
    start = time.perf_counter()
    loader = DataLoader(dataset, batch_size=batch_size, num_workers=workers,
                        collate_fn=collate_fn, drop_last=True)
    clips = sum(batch_size for _ in loader)
    return clips / (time.perf_counter() - start)


def extract_frames(video: str, out_dir: str) -> Tuple[str, int]:
    """The frame folder of ``video`` (``tools/data/extract_frames.py``'s
    layout), written once into ``out_dir``."""
    from bike_mm.datasets.preparation.rawframes import extract_video_frames
    frame_dir = osp.join(out_dir,
                         osp.splitext(osp.basename(video))[0] + '_frames')
    if not osp.isdir(frame_dir):
        extract_video_frames(video, frame_dir)
    return frame_dir, len(os.listdir(frame_dir))


def prepare(videos: Sequence[str], work_dir: str, config: str,
            released_path: Optional[str]
            ) -> Tuple[List[tuple], Optional[tuple], dict]:
    """Check the inputs, extract the frame folders, set the threads.

    Returns:
        tuple: The sources ``(name, bike_mm pipeline, its input,
        released_dataset arguments up to transform)``, each video then its
        frame folder; the released video module and training transform
        (None without a checkout); the config's ``train_dataloader``.
    """
    from mmengine.config import Config
    for path in videos:
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: video not found')
    modules = released_modules(released_path) if released_path else None
    video_pipe, frame_pipe, cv2_threads = config_pipelines(config)
    steps = {step['type']: step for step in video_pipe}
    released = modules and (modules[0], released_train_transform(
        modules[1], steps['Resize']['scale'][0]))
    import cv2
    import torch
    torch.set_num_threads(1)  # as in a DataLoader worker
    cv2.setNumThreads(cv2_threads)
    num_frames = steps['ReleasedUniformSample']['clip_len']
    os.makedirs(work_dir, exist_ok=True)
    sources = []
    for path in videos:
        video = osp.basename(path)
        frame_dir, total = extract_frames(path, work_dir)
        sources.append((video, video_pipe,
                        dict(filename=path, label=0, start_index=0,
                             modality='RGB'),
                        (osp.dirname(osp.abspath(path)), video, total,
                         num_frames, work_dir, 'video')))
        sources.append((f'{video} frames', frame_pipe,
                        dict(frame_dir=frame_dir, total_frames=total,
                             filename_tmpl=FRAME_TEMPLATE, label=0,
                             start_index=1, modality='RGB'),
                        (work_dir, osp.basename(frame_dir), total,
                         num_frames, work_dir, 'RGB')))
    return sources, released, Config.fromfile(config).train_dataloader


def build_rows(sources: Sequence[tuple], released: Optional[tuple]
               ) -> Dict[Tuple[str, str, str], ClipLoader]:
    """The clip loaders of every row, keyed by ``(source, side, setting)``:
    bike_mm as configured (and on videos with decord's automatic threads,
    the released code's), then the released code."""
    rows = {}
    for name, pipeline, sample, released_source in sources:
        rows[(name, 'bike_mm', 'config')] = bike_mm_loader(pipeline, sample)
        if pipeline[0]['type'] == 'DecordInit':
            auto = [dict(pipeline[0], num_threads=0), *pipeline[1:]]
            rows[(name, 'bike_mm', 'decord threads 0')] = bike_mm_loader(
                auto, sample)
        if released:
            rows[(name, 'released', 'released')] = released_loader(
                released, *released_source)
    return rows


def measure_loaders(sources: Sequence[tuple], released: Optional[tuple],
                    loader_cfg: dict, clips: int,
                    released_workers: int = 4, batch_size: int = 4,
                    rounds: int = 2) -> Dict[tuple, float]:
    """Clips/s through DataLoaders of ``clips`` clips: bike_mm with the
    config's workers, the released code with its configs' 4 (both at
    ``batch_size``); on each source the sides take turns for ``rounds``,
    and the median is kept."""
    from mmengine.dataset import pseudo_collate
    workers = loader_cfg['num_workers']
    loaders = {}
    for name, pipeline, sample, released_source in sources:
        loaders[(name, 'bike_mm', f'DataLoader, {workers} workers')] = (
            PipelineDataset(pipeline, sample, clips), workers,
            pseudo_collate)
        if released:
            dataset = released_dataset(released[0], *released_source,
                                       transform=released[1], length=clips)
            loaders[(name, 'released',
                     f'DataLoader, {released_workers} workers')] = (
                         dataset, released_workers, None)
    rates = {key: [] for key in loaders}
    for _ in range(rounds):
        for key, (dataset, num_workers, collate_fn) in loaders.items():
            rates[key].append(
                loader_rate(dataset, num_workers, batch_size, collate_fn))
    return {key: statistics.median(values) for key, values in rates.items()}


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


def format_loader_rates(rates: Dict[tuple, float]) -> str:
    """A markdown table of DataLoader clips/s with the ratio to the
    released code's on the same source."""
    lines = ['| source | side | setting | clips/s | speed-up |',
             '|---|---|---|---|---|']
    released = {source: rate for (source, side, _), rate in rates.items()
                if side == 'released'}
    for (source, side, setting), rate in rates.items():
        ratio = f'{rate / released[source]:.2f}x' \
            if source in released else ''
        lines.append(f'| {source} | {side} | {setting} | {rate:.2f} | '
                     f'{ratio} |')
    return '\n'.join(lines)


def run(videos: Sequence[str], work_dir: str, config: str,
        released_path: Optional[str] = None, repeats: int = 10,
        loader_clips: int = 0
        ) -> Tuple[Dict[tuple, dict], Dict[tuple, float]]:
    """Measure every row (seeded sampling and crops), then the DataLoaders
    when ``loader_clips`` > 0.

    Returns:
        tuple: :func:`measure`'s rows and :func:`measure_loaders`' rates
        (empty without ``loader_clips``).
    """
    import random

    import torch
    sources, released, loader_cfg = prepare(videos, work_dir, config,
                                            released_path)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    results = measure(build_rows(sources, released), repeats)
    rates = measure_loaders(sources, released, loader_cfg, loader_clips) \
        if loader_clips else {}
    return results, rates
