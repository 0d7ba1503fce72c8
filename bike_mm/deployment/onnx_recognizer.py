"""Run an exported recognizer with onnxruntime."""
import json
from typing import Optional, Sequence

import numpy as np

from .clip_scorer import CATEGORY_INPUTS, FRAMES
from .onnx_export import METADATA_KEY, require


def _softmax(x: np.ndarray) -> np.ndarray:
    exp = np.exp(x - x.max(-1, keepdims=True))
    return exp / exp.sum(-1, keepdims=True)


def average_views(logits: np.ndarray, views: int,
                  average_clips: str) -> np.ndarray:
    """Scores of videos from the logits of their views, as the head's
    ``average_clip`` computes them.

    Args:
        logits (ndarray): ``[B * V, K]``, the V views of a video together.
        views (int): V.
        average_clips (str): ``'prob'`` (mean of softmax), ``'score'`` (mean
            of logits) or ``'released'`` (mean of softmax, softmaxed again).

    Returns:
        ndarray: ``[B, K]``.
    """
    logits = logits.reshape(-1, views, logits.shape[-1])
    if average_clips == 'score':
        return logits.mean(1)
    probs = _softmax(logits).mean(1)
    return _softmax(probs) if average_clips == 'released' else probs


class OnnxRecognizer:
    """A model written by :func:`export_onnx` in an onnxruntime session.

    Args:
        model_file (str): The ``.onnx`` file.
        threads (int, optional): Intra-op threads; onnxruntime's default
            (one per physical core) when None.
        optimization (str): Graph optimisation level: ``'all'``,
            ``'extended'``, ``'basic'`` or ``'disabled'``. Defaults to
            ``'all'``.
    """

    def __init__(self,
                 model_file: str,
                 threads: Optional[int] = None,
                 optimization: str = 'all') -> None:
        ort = require('onnxruntime')
        options = ort.SessionOptions()
        levels = dict(
            all=ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
            extended=ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            basic=ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            disabled=ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
        if optimization not in levels:
            raise ValueError(f'optimization must be one of {list(levels)}, '
                             f'got {optimization!r}')
        options.graph_optimization_level = levels[optimization]
        if threads is not None:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(
                model_file, options, providers=['CPUExecutionProvider'])
        except Exception as err:  # onnxruntime's own Fail / InvalidGraph
            raise ValueError(f'Cannot load ONNX model {model_file}: '
                             f'{str(err).splitlines()[0]}') from None
        metadata = self.session.get_modelmeta().custom_metadata_map
        if METADATA_KEY not in metadata:
            raise ValueError(f'{model_file} was not written by '
                             'tools/deployment/export_onnx.py (no '
                             f'"{METADATA_KEY}" metadata)')
        meta = json.loads(metadata[METADATA_KEY])
        self.class_names: Optional[list] = meta['class_names']
        self.num_frames: int = meta['num_frames']
        self.image_size: tuple = tuple(meta['image_size'])
        self.average_clips: str = meta['average_clips']
        self.open_vocabulary: bool = meta['open_vocabulary']
        self._inputs = {i.name for i in self.session.get_inputs()}

    def logits(self,
               frames: np.ndarray,
               categories: Optional[Sequence[np.ndarray]] = None
               ) -> np.ndarray:
        """Logits ``[N, K]`` of N clips.

        Args:
            frames (ndarray): ``[N, T, 3, H, W]`` RGB in ``[0, 255]``.
            categories (Sequence[ndarray], optional): The three
                :class:`TextEmbeddings` fields of the K categories; needed
                by an open-vocabulary model, refused by the others.
        """
        expected = (self.num_frames, 3) + self.image_size
        if frames.ndim != 5 or tuple(frames.shape[1:]) != expected:
            raise ValueError(f'The ONNX model takes frames [N, '
                             f'{", ".join(map(str, expected))}], got '
                             f'{list(frames.shape)}')
        feeds = {FRAMES: np.ascontiguousarray(frames, dtype=np.float32)}
        if self.open_vocabulary != (categories is not None):
            raise ValueError(
                'This ONNX model ' + ('takes the categories as inputs: give '
                                      'class names' if self.open_vocabulary
                                      else 'has its classes built in'))
        if categories is not None:
            for name, field in zip(CATEGORY_INPUTS, categories):
                # the exporter drops inputs a head does not read
                if name in self._inputs:
                    feeds[name] = np.asarray(field)
        return self.session.run(None, feeds)[0]

    def predict(self,
                clips: np.ndarray,
                categories: Optional[Sequence[np.ndarray]] = None
                ) -> np.ndarray:
        """Scores ``[K]`` of one video from its V views, averaged as the
        exported head averages them.

        Args:
            clips (ndarray): ``[V * T, 3, H, W]`` as the test pipeline packs
                one video.
            categories (Sequence[ndarray], optional): See :meth:`logits`.
        """
        frames = clips.reshape(-1, self.num_frames, *clips.shape[1:])
        return average_views(
            self.logits(frames, categories), len(frames),
            self.average_clips)[0]
