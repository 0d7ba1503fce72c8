"""Feeding frame-stacked (2D) batches to 3D video models."""
from typing import Tuple

import torch
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS
from mmaction.utils import SampleList


@MODELS.register_module()
class FramesToClipsPreprocessor(ActionDataPreprocessor):
    """:class:`ActionDataPreprocessor` for 3D recognizers (TimeSformer,
    UniFormerV2, ...) whose data pipeline stacks frames 2D-style, as BIKE's
    pipelines do (``FormatShape('NCHW')``): ``[B, V*T, C, H, W]`` batches
    are normalised, then reshaped to mmaction's ``[B, V, C, T, H, W]``
    (``NCTHW``) layout, V views of ``clip_len`` frames each.

    With it, a 3D baseline shares the dataset ``_base_`` file (sampling,
    augmentation, views) of a BIKE config and differs only in ``model``.

    Args:
        clip_len (int): Frames per view T.
        **kwargs: Arguments of :class:`ActionDataPreprocessor` (``mean``,
            ``std``, ...), whose ``format_shape`` is the input's ``'NCHW'``.
    """

    def __init__(self, clip_len: int, **kwargs) -> None:
        if kwargs.setdefault('format_shape', 'NCHW') != 'NCHW':
            raise ValueError('FramesToClipsPreprocessor reads NCHW batches, '
                             f"got format_shape={kwargs['format_shape']!r}")
        super().__init__(**kwargs)
        self.clip_len = clip_len

    def preprocess(self,
                   inputs: torch.Tensor,
                   data_samples: SampleList,
                   training: bool = False) -> Tuple[torch.Tensor, SampleList]:
        """Normalise ``[B, V*T, C, H, W]`` and return ``[B, V, C, T, H, W]``.
        """
        batch, data_samples = super().preprocess(inputs, data_samples,
                                                 training)
        b, n, c, h, w = batch.shape
        if n % self.clip_len:
            raise ValueError(
                f'FramesToClipsPreprocessor: {n} frames per sample is not a '
                f'multiple of clip_len={self.clip_len}')
        batch = batch.view(b, n // self.clip_len, self.clip_len, c, h, w)
        return batch.transpose(2, 3).contiguous(), data_samples
