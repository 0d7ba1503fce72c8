"""CLIP image and text towers built by open_clip."""
from typing import Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from .clip_text_tower import CLIPTextTower
from .open_clip_factory import LOG_100, clip_arch_name, create_clip


@MODELS.register_module()
class OpenCLIP(BaseModule):
    """CLIP vision and text encoders from open_clip.

    The video branch's backbone: the image encoder embeds frames, the text
    encoder (the paper's category encoder, ``self.text``, a
    :class:`CLIPTextTower`) class names. Built by :func:`create_clip`
    (architecture by name, weights by tag or file); parameters keep
    open_clip's names under ``clip.``, so CLIP checkpoints load unchanged.

    Args:
        arch (str): open_clip model name, e.g. ``'ViT-B-32'``, ``'ViT-B-16'``,
            ``'ViT-L-14'``, ``'ViT-L-14-336'`` or ``'ViT-Tiny-16'`` (the tiny
            model shipped with bike_mm). ``'ViT-B/32'`` spelling is accepted.
        pretrained (str, optional): open_clip pretrained tag or checkpoint
            path. ``None`` gives random initialisation. Defaults to None.
        quick_gelu (bool): Use QuickGELU activations (see
            :func:`create_clip`). Defaults to True.
        freeze_text (bool): Freeze the text encoder (the paper's category
            encoder). Defaults to True.
        freeze_vision (bool): Freeze the vision encoder. Defaults to False.
        grad_checkpointing (bool): Activation checkpointing in both towers.
            Defaults to False.
        cache_dir (str, optional): Where open_clip keeps weights resolved
            from a tag. Defaults to None.
        text_chunk_size (int): See :class:`CLIPTextTower`. Defaults to 64.
        init_logit_scale (float, optional): Initial logit scale (log of the
            inverse temperature) when no weights are loaded. Defaults to
            ``log(100)``, the paper's temperature of 0.01.
        max_logit_scale (float, optional): Upper bound of the inverse
            temperature ``exp(logit_scale)``. None (the released code's
            behaviour) uses the loaded or learnt value as it is; e.g. 100
            clamps as CLIP's training does. Defaults to None.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 arch: str = 'ViT-B-32',
                 pretrained: Optional[str] = None,
                 quick_gelu: bool = True,
                 freeze_text: bool = True,
                 freeze_vision: bool = False,
                 grad_checkpointing: bool = False,
                 cache_dir: Optional[str] = None,
                 text_chunk_size: int = 64,
                 init_logit_scale: float = LOG_100,
                 max_logit_scale: Optional[float] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.arch = clip_arch_name(arch)
        self.clip = create_clip(
            self.arch,
            pretrained,
            quick_gelu=quick_gelu,
            cache_dir=cache_dir,
            init_logit_scale=init_logit_scale,
            owner=type(self).__name__)
        self.text = CLIPTextTower(
            self.clip, self.arch, text_chunk_size, frozen=freeze_text)
        self.freeze_vision = freeze_vision
        self.max_logit_scale = max_logit_scale
        if freeze_vision:
            self.clip.visual.requires_grad_(False)
        if grad_checkpointing:
            self.clip.set_grad_checkpointing(True)

    @property
    def freeze_text(self) -> bool:
        """bool: Whether the text tower (category encoder) is frozen."""
        return self.text.frozen

    @property
    def embed_dim(self) -> int:
        """int: Dimension D of the joint embedding space."""
        return self.text.embed_dim

    @property
    def logit_scale(self) -> torch.Tensor:
        """Tensor: CLIP's inverse temperature ``exp(logit_scale)``, at most
        ``max_logit_scale`` when that is set."""
        scale = self.clip.logit_scale.exp()
        if self.max_logit_scale is None:
            return scale
        return scale.clamp(max=self.max_logit_scale)

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Encode every frame of a batch of clips.

        Args:
            frames (Tensor): ``[B, T, C, H, W]`` normalised frames.

        Returns:
            Tensor: Per-frame embeddings ``[B, T, D]``.
        """
        b, t = frames.shape[:2]
        feats = self.clip.encode_image(frames.flatten(0, 1))
        return feats.view(b, t, -1)

    def train(self, mode: bool = True) -> 'OpenCLIP':
        """Keep frozen towers in eval mode."""
        super().train(mode)
        self.text.train(mode)
        if self.freeze_vision:
            self.clip.visual.eval()
        return self
