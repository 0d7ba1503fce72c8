"""Checks that a model, its checkpoint and its data agree, with messages
that name the settings involved."""
from typing import Iterator, List, Optional, Sequence, Tuple

import torch.nn as nn
from mmengine.logging import MMLogger

# Pipeline steps that sample the frames of each clip.
FRAME_SAMPLERS = ('ReleasedUniformSample', 'SampleFrames', 'UniformSample',
                  'UniformSampleFrames', 'DenseSampleFrames')


class ClassNamesMismatch(ValueError):
    """The class names a checkpoint was trained with differ from the
    data's."""


def first_class_mismatch(trained: Sequence[str],
                         current: Sequence[str]) -> Optional[str]:
    """Where two class lists first differ, in words; None if equal."""
    for index, (old, new) in enumerate(zip(trained, current)):
        if old != new:
            return f'class {index} is {old!r} in the checkpoint but {new!r}'
    if len(trained) != len(current):
        return (f'the checkpoint has {len(trained)} classes but there are '
                f'{len(current)}')
    return None


def check_class_names(trained: Optional[Sequence[str]],
                      current: Optional[Sequence[str]],
                      checkpoint: str,
                      source: str,
                      allow_mismatch: bool = False,
                      option: str = '--allow-class-mismatch') -> None:
    """Refuse (or, with ``allow_mismatch``, warn about) a checkpoint whose
    trained class names differ from ``current`` in names or order: its
    scores would be read as the wrong classes.

    Args:
        trained (list[str], optional): ``meta.dataset_meta.classes`` of the
            checkpoint; nothing is checked when either list is None.
        current (list[str], optional): The classes of the data or model.
        checkpoint (str): The checkpoint file, for the message.
        source (str): Where ``current`` comes from, for the message.
        allow_mismatch (bool): Warn instead of raising.
        option (str): How the user allows a mismatch, for the message.

    Raises:
        ClassNamesMismatch: The lists differ and ``allow_mismatch`` is
            False.
    """
    if trained is None or current is None:
        return
    mismatch = first_class_mismatch(list(trained), list(current))
    if mismatch is None:
        return
    message = (f'Checkpoint {checkpoint} was trained with other class names '
               f'than {source}: {mismatch}')
    if not allow_mismatch:
        raise ClassNamesMismatch(f'{message} ({option} proceeds anyway)')
    MMLogger.get_current_instance().warning(message)


def checkpoint_classes(checkpoint: dict) -> Optional[List[str]]:
    """The class names stored in a checkpoint's meta, if any."""
    meta = checkpoint.get('meta') or {}
    classes = (meta.get('dataset_meta') or {}).get('classes')
    return None if classes is None else list(classes)


def _pipelines(cfg) -> Iterator[Tuple[str, list]]:
    """``(config path, pipeline)`` of each dataloader's dataset, through
    dataset wrappers."""
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        path, dataset = f'{split}_dataloader.dataset', loader.get('dataset')
        while isinstance(dataset, dict) and 'pipeline' not in dataset \
                and isinstance(dataset.get('dataset'), dict):
            path, dataset = path + '.dataset', dataset['dataset']
        if isinstance(dataset, dict) and dataset.get('pipeline'):
            yield path + '.pipeline', dataset['pipeline']


def check_frames_per_clip(cfg, num_frames: int) -> None:
    """Every frame sampler of the config's pipelines must give clips of the
    model's ``num_frames`` frames (``num_clips`` is the number of views).

    Raises:
        ValueError: Naming the pipeline step and ``model.num_frames``.
    """
    for path, pipeline in _pipelines(cfg):
        for index, step in enumerate(pipeline):
            if not isinstance(step, dict) or \
                    step.get('type') not in FRAME_SAMPLERS:
                continue
            clip_len = step.get('clip_len')
            if clip_len is not None and clip_len != num_frames:
                raise ValueError(
                    f'{path}[{index}] ({step["type"]}) has clip_len='
                    f'{clip_len} (x num_clips={step.get("num_clips", 1)} '
                    f'views) but model.num_frames={num_frames}: each view '
                    'must have model.num_frames frames')


def check_input_channels(cfg, model: nn.Module) -> None:
    """The data preprocessor's ``mean`` must have as many channels as the
    backbone's first convolution takes.

    Raises:
        ValueError: Naming ``model.data_preprocessor.mean`` and the
            convolution.
    """
    mean = (cfg.get('model', {}).get('data_preprocessor') or {}).get('mean')
    backbone = getattr(model, 'backbone', None)
    if mean is None or backbone is None:
        return
    for name, module in backbone.named_modules():
        if isinstance(module, (nn.Conv2d, nn.Conv3d)):
            if module.in_channels != len(mean):
                raise ValueError(
                    f'model.data_preprocessor.mean has {len(mean)} channels '
                    f'but model.backbone ({name}) takes in_channels='
                    f'{module.in_channels}')
            return
