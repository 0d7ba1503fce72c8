"""Single-video inference: top-k classes and the temporal saliency of VCS."""
import copy
import os.path as osp
import re
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

import decord
import torch
import torch.nn as nn
from mmaction.apis import init_recognizer as mmaction_init_recognizer
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

import bike_mm  # noqa: F401  (registers the components)

from ..datasets.label_files import load_class_names
from ..engine.run_checks import check_class_names, checkpoint_classes
from ..models.heads import VCSHead
from ..structures import pred_score

# Pipeline steps that choose the temporal clips and the spatial crops.
SAMPLERS = ('ReleasedUniformSample', 'UniformSample', 'SampleFrames')
CROPS = ('FullResCrop', 'CenterCrop', 'ThreeCrop')


class InferenceResult(NamedTuple):
    """What :func:`inference_recognizer` finds in one video.

    Attributes:
        topk (list[tuple[str, float]]): The k most probable classes with
            their probabilities (views averaged), best first.
        scores (Tensor): ``[K]`` probabilities of all classes.
        frames (Tensor): ``[T, H, W, 3]`` uint8 RGB frames of the first view,
            as the model saw them.
        saliency (Tensor, optional): ``[k, T]`` temporal saliency of the
            top-k classes over ``frames`` (each row sums to 1); None unless
            asked for.
        attribute_sentence (str, optional): The video's attribute sentence
            when the test pipeline makes one (models with BIKE's attributes
            branch, :class:`LoadAttributeSentence`); else None.
    """
    topk: List[Tuple[str, float]]
    scores: torch.Tensor
    frames: torch.Tensor
    saliency: Optional[torch.Tensor]
    attribute_sentence: Optional[str]


def init_recognizer(config: Union[str, Path, Config],
                    checkpoint: Optional[str] = None,
                    device: Optional[str] = None,
                    class_names: Union[None, str, Sequence[str]] = None,
                    cfg_options: Optional[dict] = None,
                    allow_class_mismatch: bool = False) -> nn.Module:
    """Build a recognizer from a config and load a checkpoint strictly.

    :func:`mmaction.apis.init_recognizer` builds the model (without
    downloading backbone weights); unlike it, a checkpoint that does not
    match the config is an error naming the missing, unexpected and
    mis-shaped keys.

    Args:
        config (str | Path | Config): Config file or object.
        checkpoint (str, optional): Checkpoint file. Defaults to None.
        device (str, optional): Defaults to ``'cuda:0'`` when available,
            else ``'cpu'``.
        class_names (str | list[str], optional): Classes to recognise
            instead of the config's (a label file or the names): open
            vocabulary, no retraining. Defaults to None.
        cfg_options (dict, optional): Config overrides. Defaults to None.
        allow_class_mismatch (bool): Without ``class_names``, the model's
            classes must equal those the checkpoint was trained with (names
            and order); with this, a difference is only a warning.
            Defaults to False.

    Returns:
        nn.Module: The recognizer in eval mode, with ``cfg`` set.
    """
    cfg = Config.fromfile(config) if isinstance(config, (str, Path)) \
        else copy.deepcopy(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if device is None:
        device = 'cuda:0' if torch.cuda.is_available() else 'cpu'
    if class_names is not None:
        # built for these classes directly: the config's label file is then
        # not needed on this machine
        if not hasattr(MODELS.get(cfg.model.type), 'set_classes'):
            raise TypeError(f'{cfg.model.type} has a fixed class list; '
                            'class_names needs e.g. a BIKERecognizer')
        names = load_class_names(class_names) if isinstance(
            class_names, str) else list(class_names)
        if not names:
            raise ValueError('init_recognizer: empty class name list')
        cfg.model.class_names = names
        cfg.model.cls_head.num_classes = len(names)
    model = mmaction_init_recognizer(cfg, None, device)
    if checkpoint is not None:
        where = config if isinstance(config, (str, Path)) else 'config'
        # an unreadable or refused file is a CheckpointError naming it
        try:
            loaded = load_checkpoint(
                model, checkpoint, map_location=device, strict=True)
        except RuntimeError as err:  # load_state_dict(strict=True)
            raise ValueError(f'Checkpoint {checkpoint} does not match the '
                             f'model of {where}: {err}') from None
        if class_names is None:
            check_class_names(
                checkpoint_classes(loaded), getattr(model, 'class_names',
                                                    None), checkpoint,
                f'the model of {where}', allow_class_mismatch)
    return model


def parse_views(views: str) -> Tuple[int, int]:
    """``'4x3'`` -> ``(4, 3)``: temporal clips x spatial crops."""
    match = re.fullmatch(r'(\d+)x(\d+)', views)
    if not match or int(match[1]) < 1 or int(match[2]) not in (1, 3):
        raise ValueError(f'views must be "<clips>x<crops>" with crops 1 or '
                         f'3, e.g. "1x1" or "4x3"; got {views!r}')
    return int(match[1]), int(match[2])


def find_step(pipeline: Sequence[dict], types: Sequence[str]) -> int:
    """Index of the one step of ``pipeline`` whose type is in ``types``."""
    found = [i for i, step in enumerate(pipeline) if step['type'] in types]
    if len(found) != 1:
        raise ValueError(f'The test pipeline needs exactly one of {types}, '
                         f'got {[step["type"] for step in pipeline]}')
    return found[0]


def pipeline_with_views(pipeline: Sequence[dict], views: str) -> List[dict]:
    """A copy of a test pipeline sampling ``views`` (e.g. ``'4x3'``).

    The frame sampler gets ``num_clips=clips``. The released protocol's
    ``FullResCrop`` gets ``num_crops=crops`` (center or full-resolution
    crops of the same frames); mmaction's crop becomes a ``CenterCrop`` (1
    crop) or a ``ThreeCrop`` (3 crops), whose input must have the crop size
    as its short side, so the ``Resize`` before it scales to that (as
    mmaction's 3-crop test pipelines do).

    Args:
        pipeline (list[dict]): A test pipeline config.
        views (str): ``'<clips>x<crops>'``.
    """
    clips, crops = parse_views(views)
    pipeline = copy.deepcopy(list(pipeline))
    pipeline[find_step(pipeline, SAMPLERS)]['num_clips'] = clips
    crop = find_step(pipeline, CROPS)
    if pipeline[crop]['type'] == 'FullResCrop':
        pipeline[crop]['num_crops'] = crops
        return pipeline
    size = pipeline[crop]['crop_size']
    pipeline[crop] = dict(
        type='CenterCrop' if crops == 1 else 'ThreeCrop', crop_size=size)
    if crops == 3:
        if crop == 0 or pipeline[crop - 1]['type'] != 'Resize':
            raise ValueError(f'Cannot set views {views!r}: ThreeCrop needs a '
                             'Resize step right before it')
        short_side = size if isinstance(size, int) else min(size)
        pipeline[crop - 1] = dict(type='Resize', scale=(-1, short_side))
    return pipeline


def check_video(video: str) -> None:
    """Fail with the file's name when it cannot be decoded or is empty."""
    if not osp.isfile(video):
        raise FileNotFoundError(f'Video not found: {video}')
    try:
        num_frames = len(decord.VideoReader(video, num_threads=1))
    except Exception as err:  # decord raises its own DECORDError
        raise ValueError(f'Cannot read video {video} (empty or not a '
                         f'video file): {err}') from None
    if num_frames == 0:
        raise ValueError(f'Video {video} has no frames')


def pack_video(cfg: Config, video: str, views: Optional[str] = None
               ) -> Tuple[dict, dict, List[dict]]:
    """Decode one video file by the config's test pipeline.

    Args:
        cfg (Config): A config with a ``test_dataloader``.
        video (str): Video file.
        views (str, optional): ``'1x1'``, ``'4x3'``, ...; the config's views
            when None. Defaults to None.

    Returns:
        tuple[dict, dict, list[dict]]: The packed sample (``inputs``
        ``[V*T, C, H, W]``), the pipeline's results before packing (e.g. the
        ``attribute_sentence``) and the pipeline config used.
    """
    check_video(video)
    pipeline_cfg = cfg.test_dataloader.dataset.pipeline
    if views is not None:
        pipeline_cfg = pipeline_with_views(pipeline_cfg, views)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    *steps, pack = Compose(pipeline_cfg).transforms
    results = dict(filename=video, label=-1, start_index=0, modality='RGB')
    try:
        for step in steps:
            results = step(results)
    except Exception as err:  # e.g. a truncated video fails to decode
        raise ValueError(f'Cannot decode video {video}: '
                         f'{str(err).splitlines()[0]}') from err
    # packing keeps only the model inputs; the sentence is read before it
    return pack(results), results, pipeline_cfg


def temporal_saliency(model: nn.Module, inputs: torch.Tensor,
                      class_index: torch.Tensor) -> torch.Tensor:
    """VCS temporal saliency of some classes over one clip, as the model's
    :class:`VCSHead` weights the frames (:meth:`VCSHead.temporal_saliency`).

    Args:
        model (nn.Module): A recognizer with a :class:`VCSHead`.
        inputs (Tensor): ``[T, C, H, W]`` frames as the pipeline packs them.
        class_index (Tensor): ``[k]`` class indices.

    Returns:
        Tensor: ``[k, T]``, each row summing to 1.
    """
    head = model.cls_head
    if not isinstance(head, VCSHead):
        raise ValueError(
            f'{type(head).__name__} does not aggregate frames by Video '
            'Concept Spotting, so it has no temporal saliency to show')
    data = model.data_preprocessor(
        dict(inputs=[inputs], data_samples=None), False)
    frames = model.encode_video(data['inputs'])
    categories = model.all_categories().select(class_index.to(frames.device))
    return head.temporal_saliency(frames, categories)[0].cpu()


@torch.no_grad()
def inference_recognizer(model: nn.Module,
                         video: str,
                         views: Optional[str] = None,
                         topk: int = 5,
                         with_saliency: bool = False) -> InferenceResult:
    """Recognise one video file.

    The video is decoded with decord by the pipeline of the config's
    ``test_dataloader`` (with ``views`` clips x crops when given) and scored
    by the model's ``test_step``, as in testing; probabilities are averaged
    over views. With an attributes branch, the pipeline looks the video up in
    its attribute file (``tools/generate_attributes.py`` makes one for new
    videos).

    Args:
        model (nn.Module): A recognizer from :func:`init_recognizer`.
        video (str): Video file.
        views (str, optional): ``'1x1'``, ``'4x3'``, ...; the config's views
            when None. Defaults to None.
        topk (int): Number of classes returned. Defaults to 5.
        with_saliency (bool): Also compute the VCS temporal saliency of the
            top-k classes over the first view. Defaults to False.

    Returns:
        InferenceResult: Top-k classes, all scores, frames, saliency and
        attribute sentence.
    """
    packed, results, pipeline_cfg = pack_video(model.cfg, video, views)
    result = model.test_step(pseudo_collate([packed]))[0]
    scores = pred_score(result).cpu()
    top = scores.topk(min(topk, scores.numel()))
    names = model.class_names
    clip_len = pipeline_cfg[find_step(pipeline_cfg, SAMPLERS)]['clip_len']
    clip = packed['inputs'][:clip_len]
    saliency = temporal_saliency(model, clip, top.indices) \
        if with_saliency else None
    return InferenceResult(
        topk=[(names[i], float(s)) for s, i in zip(top.values, top.indices)],
        scores=scores,
        frames=clip.permute(0, 2, 3, 1),
        saliency=saliency,
        attribute_sentence=results.get('attribute_sentence'))
