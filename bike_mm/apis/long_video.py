"""Recognition along a long video: top-k classes per sliding window.

Unlike mmaction's ``demo/long_video_demo.py``, which decodes the whole video
into memory first, each window decodes only the frames its clips sample
(decord seeks to them), so memory does not grow with the video's length, and
each window is scored exactly as single-clip inference
(:func:`inference_recognizer`) scores that window cut out as its own file.
"""
import csv
import json
import os.path as osp
from typing import List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

from ..structures import pred_score
from ..visualization import plot_timeline
from .inference import check_video, pipeline_with_views

# the file formats of save_timeline, by extension
TIMELINE_FORMATS = ('.json', '.csv', '.png')


class WindowResult(NamedTuple):
    """The classes of one window.

    Attributes:
        start (float): First second (``first_frame / fps``).
        end (float): End second (exclusive).
        first_frame (int): Index of the window's first frame.
        num_frames (int): Frames of the window.
        topk (list[tuple[str, float]]): Best classes and probabilities.
        scores (Tensor): ``[K]`` probabilities of all classes.
    """
    start: float
    end: float
    first_frame: int
    num_frames: int
    topk: List[Tuple[str, float]]
    scores: torch.Tensor


class Timeline(NamedTuple):
    """What :func:`recognize_windows` found along a video.

    Attributes:
        video (str): The video file.
        fps (float): Its frame rate (decord's average).
        num_frames (int): Its length in frames.
        class_names (list[str]): The model's classes, index = score index.
        windows (list[WindowResult]): The windows in time order.
    """
    video: str
    fps: float
    num_frames: int
    class_names: List[str]
    windows: List[WindowResult]


def window_starts(num_frames: int, window: int, stride: int) -> List[int]:
    """First frames of windows of ``window`` frames every ``stride`` frames;
    when the last one ends before the video does, one more window ends with
    the video, so every frame is covered."""
    starts = list(range(0, num_frames - window + 1, stride))
    if starts[-1] + window < num_frames:
        starts.append(num_frames - window)
    return starts


def _seconds_to_frames(seconds: float, fps: float, what: str) -> int:
    if seconds <= 0:
        raise ValueError(f'--{what} must be positive, got {seconds}')
    return max(round(seconds * fps), 1)


@torch.no_grad()
def recognize_windows(model: nn.Module,
                      video: str,
                      window: float,
                      stride: Optional[float] = None,
                      views: Optional[str] = None,
                      topk: int = 5,
                      progress: bool = True) -> Timeline:
    """Top-k classes of windows sliding along a video.

    The video is opened once; each window becomes the video of the config's
    test pipeline (``start_index`` and ``total_frames`` of the window, so the
    sampler spreads its clips over it) and only the sampled frames are
    decoded.

    Args:
        model (nn.Module): A recognizer from :func:`init_recognizer`.
        video (str): Video file.
        window (float): Window length in seconds (rounded to frames).
        stride (float, optional): Seconds between window starts; ``window``
            (no overlap) when None.
        views (str, optional): ``'1x1'``, ``'4x3'``, ... per window; the
            config's test views when None.
        topk (int): Classes kept per window. Defaults to 5.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        Timeline: The windows with their classes.

    Raises:
        ValueError: The video does not decode, the window is longer than
            the video or a length is not positive.
    """
    check_video(video)
    pipeline_cfg = model.cfg.test_dataloader.dataset.pipeline
    if views is not None:
        pipeline_cfg = pipeline_with_views(pipeline_cfg, views)
    if pipeline_cfg[0]['type'] != 'DecordInit':
        raise ValueError('Long-video inference needs a test pipeline that '
                         'starts with DecordInit (videos, not frame folders)')
    init_default_scope(model.cfg.get('default_scope', 'mmaction'))
    opener, *steps = Compose(pipeline_cfg).transforms
    opened = opener(dict(filename=video, start_index=0))
    reader, fps = opened['video_reader'], opened['avg_fps']
    num_frames = opened['total_frames']
    window_frames = _seconds_to_frames(window, fps, 'window')
    stride_frames = _seconds_to_frames(
        window if stride is None else stride, fps, 'stride')
    if window_frames > num_frames:
        raise ValueError(
            f'--window {window}s ({window_frames} frames) is longer than '
            f'{video} ({num_frames / fps:.2f}s, {num_frames} frames at '
            f'{fps:g} fps)')
    starts = window_starts(num_frames, window_frames, stride_frames)
    bar = ProgressBar(len(starts)) if progress else None
    windows = []
    for first in starts:
        results = dict(filename=video, label=-1, modality='RGB',
                       video_reader=reader, avg_fps=fps, start_index=first,
                       total_frames=window_frames)
        for step in steps:
            results = step(results)
        scores = pred_score(model.test_step(pseudo_collate([results]))[0])
        scores = scores.cpu()
        top = scores.topk(min(topk, scores.numel()))
        windows.append(WindowResult(
            start=first / fps, end=(first + window_frames) / fps,
            first_frame=first, num_frames=window_frames,
            topk=[(model.class_names[i], float(s))
                  for s, i in zip(top.values, top.indices)],
            scores=scores))
        if bar is not None:
            bar.update()
    return Timeline(video=video, fps=fps, num_frames=num_frames,
                    class_names=list(model.class_names), windows=windows)


def save_timeline(timeline: Timeline, out_files: Sequence[str]) -> None:
    """Write a timeline to each file, in the format of its extension:
    ``.json`` (video, fps, and per window start/end seconds, frames and
    top-k), ``.csv`` (one row per window and rank: ``start,end,rank,class,
    score``) or ``.png`` (:func:`plot_timeline`)."""
    for out_file in out_files:
        ext = osp.splitext(out_file)[1].lower()
        if ext not in TIMELINE_FORMATS:
            raise ValueError(f'--timeline {out_file}: the extension must be '
                             f'one of {", ".join(TIMELINE_FORMATS)}')
    for out_file in out_files:
        ext = osp.splitext(out_file)[1].lower()
        if ext == '.png':
            plot_timeline(timeline, out_file)
        elif ext == '.json':
            with open(out_file, 'w', encoding='utf-8') as f:
                json.dump(_timeline_dict(timeline), f, indent=1)
        else:
            with open(out_file, 'w', encoding='utf-8', newline='') as f:
                writer = csv.writer(f)
                writer.writerow(['start', 'end', 'rank', 'class', 'score'])
                for w in timeline.windows:
                    for rank, (name, score) in enumerate(w.topk, 1):
                        writer.writerow([f'{w.start:.3f}', f'{w.end:.3f}',
                                         rank, name, f'{score:.6f}'])


def _timeline_dict(timeline: Timeline) -> dict:
    return dict(
        video=timeline.video,
        fps=timeline.fps,
        num_frames=timeline.num_frames,
        windows=[
            dict(start=w.start, end=w.end, first_frame=w.first_frame,
                 num_frames=w.num_frames,
                 topk=[dict(name=name, score=score) for name, score in w.topk])
            for w in timeline.windows
        ])
