"""Single-video inference with an exported model (``tools/infer.py
--backend onnxruntime``)."""
import copy
from pathlib import Path
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config

from ..apis.inference import InferenceResult, init_recognizer, pack_video
from .onnx_recognizer import OnnxRecognizer


def category_inputs(recognizer: torch.nn.Module) -> List[np.ndarray]:
    """The open-vocabulary inputs of an exported model: the three
    :class:`TextEmbeddings` fields of the recognizer's categories, encoded
    by its (PyTorch) text tower."""
    with torch.no_grad():
        return [field.cpu().numpy() for field in recognizer.all_categories()]


def inference_onnx(onnx_model: Union[str, OnnxRecognizer],
                   config: Union[str, Path, Config],
                   video: str,
                   views: Optional[str] = None,
                   topk: int = 5,
                   checkpoint: Optional[str] = None,
                   class_names: Union[None, str, Sequence[str]] = None,
                   cfg_options: Optional[dict] = None) -> InferenceResult:
    """Recognise one video file with an ONNX model.

    The video is decoded by the config's test pipeline, as
    :func:`inference_recognizer` does, and the result has the same form
    (without saliency or attribute sentence). A model with its classes built
    in scores those; an open-vocabulary one scores ``class_names`` (or the
    config's), whose embeddings the PyTorch text tower of ``checkpoint``
    computes once.

    Args:
        onnx_model (str | OnnxRecognizer): The model or its ``.onnx`` file.
        config (str | Path | Config): The config it was exported from.
        video (str): Video file.
        views (str, optional): ``'1x1'``, ``'4x3'``, ...; the config's views
            when None. Defaults to None.
        topk (int): Number of classes returned. Defaults to 5.
        checkpoint (str, optional): Checkpoint of the config; read only by
            an open-vocabulary model. Defaults to None.
        class_names (str | list[str], optional): Label file or names, for
            an open-vocabulary model. Defaults to None.
        cfg_options (dict, optional): Config overrides. Defaults to None.
    """
    if isinstance(onnx_model, str):
        onnx_model = OnnxRecognizer(onnx_model)
    cfg = Config.fromfile(config) if isinstance(config, (str, Path)) \
        else copy.deepcopy(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    categories, names = None, onnx_model.class_names
    if onnx_model.open_vocabulary:
        recognizer = init_recognizer(cfg, checkpoint, 'cpu', class_names)
        categories, names = category_inputs(recognizer), \
            recognizer.class_names
    elif class_names is not None:
        raise ValueError('This ONNX model has its classes built in; export '
                         'it with --open-vocabulary (or with --labels) to '
                         'score other class names')
    packed, _, pipeline_cfg = pack_video(cfg, video, views)
    clips = packed['inputs']
    scores = torch.from_numpy(
        onnx_model.predict(clips.float().numpy(), categories))
    top = scores.topk(min(topk, scores.numel()))
    return InferenceResult(
        topk=[(names[i], float(s)) for s, i in zip(top.values, top.indices)],
        scores=scores,
        frames=clips[:onnx_model.num_frames].permute(0, 2, 3, 1),
        saliency=None,
        attribute_sentence=None)
