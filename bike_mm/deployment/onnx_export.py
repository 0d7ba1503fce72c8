"""Export a :class:`BIKERecognizer` to ONNX."""
import importlib
import inspect
import json
from typing import Optional

import torch
import torch.nn as nn

from .clip_scorer import CATEGORY_INPUTS, FRAMES, LOGITS, ClipScorer

#: What :class:`OnnxRecognizer` reads from the model's metadata.
METADATA_KEY = 'bike_mm'
DEFAULT_OPSET = 17


class MissingDeployExtra(OSError):
    """onnx or onnxruntime is not installed: a problem of the environment,
    which the tools report in one line (``run_tool``)."""


def require(module: str):
    """Import an optional deployment dependency, or fail with one line
    saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDeployExtra(f'{module} is not installed: '
                                 "pip install 'bike_mm[deploy]'") from None


def _image_size(recognizer: nn.Module) -> tuple:
    size = recognizer.backbone.clip.visual.image_size
    return (size, size) if isinstance(size, int) else tuple(size)


def export_onnx(recognizer: nn.Module,
                out: str,
                open_vocabulary: bool = False,
                num_frames: Optional[int] = None,
                opset: int = DEFAULT_OPSET) -> dict:
    """Write ``recognizer`` as an ONNX model of :class:`ClipScorer`.

    Inputs: ``frames`` ``[B, T, 3, H, W]`` (RGB in ``[0, 255]``, H x W the
    CLIP's image size, B dynamic) and, with ``open_vocabulary``, the
    categories ``category_sentence [K, D]``, ``category_words [K, W, D]`` and
    ``category_word_mask [K, W]`` (K and W dynamic). Output: ``logits``
    ``[B, K]``. The model's metadata (key ``bike_mm``, JSON) holds the class
    names, T, H, W and the view averaging, for :class:`OnnxRecognizer`.

    Args:
        recognizer (nn.Module): A :class:`BIKERecognizer` (weights loaded).
        out (str): The ``.onnx`` file to write.
        open_vocabulary (bool): Categories as inputs. Defaults to False.
        num_frames (int, optional): Frames per clip T; defaults to the
            recognizer's ``num_frames``.
        opset (int): ONNX opset. Defaults to 17.

    Returns:
        dict: The metadata written.
    """
    onnx = require('onnx')
    if num_frames is not None:
        recognizer.num_frames = num_frames
    scorer = ClipScorer(recognizer, open_vocabulary).eval()
    height, width = _image_size(recognizer)
    device = recognizer.backbone.logit_scale.device
    # two clips, so that the batch axis is not specialised to 1
    frames = torch.rand(2, recognizer.num_frames, 3, height, width,
                        device=device) * 255
    args = (frames, )
    names = [FRAMES]
    dynamic_axes = {FRAMES: {0: 'batch'}, LOGITS: {0: 'batch'}}
    if open_vocabulary:
        with torch.no_grad():
            categories = recognizer.all_categories()
        args += tuple(categories)
        names += list(CATEGORY_INPUTS)
        dynamic_axes.update({
            CATEGORY_INPUTS[0]: {0: 'classes'},
            CATEGORY_INPUTS[1]: {0: 'classes', 1: 'words'},
            CATEGORY_INPUTS[2]: {0: 'classes', 1: 'words'},
            LOGITS: {0: 'batch', 1: 'classes'}})
    options = dict(input_names=names, output_names=[LOGITS],
                   dynamic_axes=dynamic_axes, opset_version=opset)
    # the TorchScript exporter traces the recognizer's Python control flow
    # as it runs; newer torch defaults to the dynamo exporter
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        options['dynamo'] = False
    # nn.MultiheadAttention's inference fast path is one fused op that ONNX
    # lacks: it is off while anything requires grad, or by its switch
    fastpath = getattr(torch.backends, 'mha', None)
    was_enabled = fastpath is not None and fastpath.get_fastpath_enabled()
    try:
        if was_enabled:
            fastpath.set_fastpath_enabled(False)
        torch.onnx.export(scorer, args, out, **options)
    finally:
        if was_enabled:
            fastpath.set_fastpath_enabled(True)
    metadata = dict(
        class_names=None if open_vocabulary else list(scorer.class_names),
        num_frames=recognizer.num_frames,
        image_size=[height, width],
        average_clips=recognizer.cls_head.average_clips,
        open_vocabulary=open_vocabulary)
    model = onnx.load(out)
    entry = model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(metadata)
    onnx.save(model, out)
    return metadata


def quantize_onnx(fp32_file: str, int8_file: str) -> None:
    """Write the int8 dynamic quantisation of a model of
    :func:`export_onnx` (onnxruntime's ``quantize_dynamic``): the weights of
    its MatMul/Gemm nodes in int8, their inputs quantised as they arrive.
    Inputs, outputs and metadata stay; on a 2-core CPU it ran ViT-B/32 1.8x
    as fast as fp32, its logits within 0.2 (BENCHMARKS.md, "ONNX export").

    Args:
        fp32_file (str): The exported model.
        int8_file (str): The ``.onnx`` file to write.
    """
    require('onnxruntime')
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(fp32_file, int8_file, weight_type=QuantType.QInt8)
