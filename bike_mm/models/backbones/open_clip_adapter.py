"""The one place where bike_mm reaches into open_clip's internals.

bike_mm needs more of CLIP than open_clip's public ``encode_image`` /
``encode_text`` give: the projected embedding of every text token (Video
Concept Spotting's words), and the vision blocks one by one (cross-frame
interaction between them). These functions wrap the private parts of
open_clip (written for open_clip_torch 3.x) that this needs;
``tests/models/backbones/test_open_clip_adapter.py`` checks their
signatures and behaviour, so an open_clip release that changes them fails
there first.

Private parts used: ``open_clip.transformer.text_global_pool``;
``VisionTransformer._embeds`` and ``VisionTransformer._pool``; the text tower
attributes of ``open_clip.CLIP`` (``token_embedding``,
``positional_embedding``, ``transformer.get_cast_dtype()``, ``attn_mask``,
``ln_final``, ``text_projection``, ``text_pool_type``, ``text_eos_id``).
"""
from typing import Tuple

import torch
import torch.nn as nn
from open_clip.transformer import VisionTransformer, text_global_pool


def encode_text_tokens(clip: nn.Module,
                       tokens: torch.Tensor
                       ) -> Tuple[torch.Tensor, torch.Tensor]:
    """CLIP's text transformer, keeping the projected embedding of every
    token.

    Args:
        clip (open_clip.CLIP): A CLIP with the classic text tower.
        tokens (Tensor): ``[K, L]`` token ids.

    Returns:
        tuple[Tensor, Tensor]: The pooled sentence embedding ``[K, D]``
        (identical to ``clip.encode_text(tokens)``) and the projected
        embedding of every token ``[K, L, D]``.
    """
    cast_dtype = clip.transformer.get_cast_dtype()
    x = clip.token_embedding(tokens).to(cast_dtype)
    x = x + clip.positional_embedding.to(cast_dtype)
    # the causal mask stays on the training device when the text tower is
    # moved off it (CategoryCacheHook)
    x = clip.transformer(x, attn_mask=clip.attn_mask.to(x.device))
    x = clip.ln_final(x)
    if isinstance(clip.text_projection, nn.Linear):
        x = clip.text_projection(x)
    else:
        x = x @ clip.text_projection
    sentence = text_global_pool(
        x, tokens, clip.text_pool_type,
        eos_token_id=getattr(clip, 'text_eos_id', None))
    return sentence, x


def has_classic_text_tower(clip: nn.Module) -> bool:
    """Whether :func:`encode_text_tokens` can run on ``clip`` (a CLIP text
    transformer at the model's root, not a custom text tower)."""
    return hasattr(clip, 'transformer') and hasattr(clip, 'token_embedding')


def is_class_token_vit(visual: nn.Module) -> bool:
    """Whether ``visual`` is a CLIP ViT pooled at its class token, the
    tower :func:`vision_tokens` and :func:`vision_pool` support."""
    return isinstance(visual, VisionTransformer) and \
        visual.attn_pool is None and visual.pool_type == 'tok' and \
        visual.transformer.batch_first


def vision_tokens(visual: VisionTransformer,
                  images: torch.Tensor) -> torch.Tensor:
    """The token sequence entering the first vision block (patch embedding,
    class token, positions, patch dropout, ``ln_pre``).

    Args:
        visual (VisionTransformer): open_clip's ViT.
        images (Tensor): ``[N, C, H, W]``.

    Returns:
        Tensor: ``[N, 1 + P, W]`` tokens, the class token first.
    """
    return visual._embeds(images)


def vision_pool(visual: VisionTransformer,
                tokens: torch.Tensor) -> torch.Tensor:
    """The image embedding from the last block's tokens (``ln_post``,
    class-token pooling, projection).

    Args:
        visual (VisionTransformer): open_clip's ViT.
        tokens (Tensor): ``[N, 1 + P, W]``.

    Returns:
        Tensor: ``[N, D]``, identical to ``visual(images)``.
    """
    pooled, _ = visual._pool(tokens)
    if visual.proj is not None:
        pooled = pooled @ visual.proj
    return pooled
