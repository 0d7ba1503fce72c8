"""CLIP whose vision blocks exchange information across video frames."""
from functools import partial
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from torch.utils.checkpoint import checkpoint

from .open_clip_adapter import is_class_token_vit, vision_pool, vision_tokens
from .open_clip_backbone import OpenCLIP


@MODELS.register_module()
class CrossFrameOpenCLIP(OpenCLIP):
    """:class:`OpenCLIP` with a frame-interaction module wrapped around
    vision blocks: X-CLIP's message tokens (:class:`CrossFrameMessage`) or
    Text4Vis's TokenT1D (:class:`TokenT1D`).

    The CLIP towers are open_clip's, under the same names as in
    :class:`OpenCLIP`, so pretrained CLIP weights and OpenCLIP checkpoints
    load unchanged; the interaction modules are new parameters under
    ``frame_interactions``.

    Args:
        frame_interaction (dict, optional): Config of the module built for
            each chosen block, called as ``module(block, tokens, num_frames)``
            and given the vision width as ``width``. None runs CLIP's image
            encoder frame by frame. Defaults to None.
        interaction_layers (Sequence[int], optional): Indices of the blocks
            that get one. Defaults to all blocks.
        **kwargs: :class:`OpenCLIP` arguments.
    """

    def __init__(self,
                 frame_interaction: Optional[dict] = None,
                 interaction_layers: Optional[Sequence[int]] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        visual = self.clip.visual
        if not is_class_token_vit(visual):
            raise ValueError(
                f'CrossFrameOpenCLIP: {self.arch!r} is not a class-token '
                'CLIP ViT; cross-frame interaction needs one')
        num_blocks = len(visual.transformer.resblocks)
        layers = range(num_blocks) if interaction_layers is None \
            else list(interaction_layers)
        bad = [i for i in layers if not 0 <= i < num_blocks]
        if bad:
            raise ValueError(f'CrossFrameOpenCLIP: interaction_layers {bad} '
                             f'outside the {num_blocks} blocks of '
                             f'{self.arch!r}')
        self.frame_interactions = nn.ModuleDict()
        if frame_interaction is not None:
            for i in layers:
                self.frame_interactions[str(i)] = MODELS.build(
                    frame_interaction,
                    default_args=dict(width=visual.transformer.width))

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Encode the frames of a batch of clips together.

        Args:
            frames (Tensor): ``[B, T, C, H, W]`` normalised frames.

        Returns:
            Tensor: Per-frame embeddings ``[B, T, D]``.
        """
        return self.encode_frames_and_patches(frames)[0]

    def encode_frames_and_patches(
            self, frames: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode the frames of a batch of clips together and keep the last
        block's patch tokens (X-CLIP's prompt generator reads them).

        Args:
            frames (Tensor): ``[B, T, C, H, W]`` normalised frames.

        Returns:
            tuple[Tensor, Tensor]: Per-frame embeddings ``[B, T, D]`` and
            the last block's patch tokens ``[B, T, P, W]`` (before CLIP's
            final LayerNorm).
        """
        b, t = frames.shape[:2]
        visual = self.clip.visual
        x = vision_tokens(visual, frames.flatten(0, 1))
        checkpointing = visual.transformer.grad_checkpointing and \
            torch.is_grad_enabled()
        for i, block in enumerate(visual.transformer.resblocks):
            if str(i) in self.frame_interactions:
                block = partial(self.frame_interactions[str(i)], block,
                                num_frames=t)
            x = checkpoint(block, x, use_reentrant=False) \
                if checkpointing else block(x)
        pooled = vision_pool(visual, x).view(b, t, -1)
        return pooled, x[:, 1:].reshape(b, t, x.shape[1] - 1, -1)
