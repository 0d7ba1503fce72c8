"""Temporal transformer over per-frame embeddings (paper Table 6a)."""
from functools import partial
from typing import Optional

import torch
import torch.nn as nn
from open_clip.transformer import LayerNorm, QuickGELU, Transformer


class TemporalTransformer(nn.Module):
    """Frame position embedding, a CLIP-style pre-norm transformer across the
    T frames, and a residual connection to the input frames.

    Args:
        embed_dim (int): Embedding dimension D.
        num_layers (int): Transformer layers. Defaults to 6.
        num_heads (int, optional): Attention heads. Defaults to
            ``embed_dim // 64``.
        max_frames (int): Number of frame positions. Defaults to 77 (the
            released models' table size).
        layer_norm_eps (float): LayerNorm epsilon; the released models use
            1e-12. Defaults to 1e-12.
        grad_checkpointing (bool): Recompute each layer in the backward pass
            instead of keeping its activations (open_clip's activation
            checkpointing). Defaults to False.
    """

    def __init__(self,
                 embed_dim: int,
                 num_layers: int = 6,
                 num_heads: Optional[int] = None,
                 max_frames: int = 77,
                 layer_norm_eps: float = 1e-12,
                 grad_checkpointing: bool = False) -> None:
        super().__init__()
        self.frame_position_embeddings = nn.Embedding(max_frames, embed_dim)
        self.transformer = Transformer(
            width=embed_dim,
            layers=num_layers,
            heads=num_heads or max(1, embed_dim // 64),
            act_layer=QuickGELU,
            norm_layer=partial(LayerNorm, eps=layer_norm_eps))
        self.transformer.grad_checkpointing = grad_checkpointing
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """
        Args:
            frames (Tensor): ``[B, T, D]`` frame embeddings.

        Returns:
            Tensor: ``[B, T, D]``.
        """
        t = frames.shape[1]
        max_frames = self.frame_position_embeddings.num_embeddings
        if t > max_frames:
            raise ValueError(f'TemporalTransformer has {max_frames} frame '
                             f'positions but got {t} frames')
        x = frames + self.frame_position_embeddings.weight[:t]
        return frames + self.transformer(x).to(frames.dtype)
