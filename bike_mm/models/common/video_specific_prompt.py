"""X-CLIP video-specific prompt generator."""
from collections import OrderedDict
from typing import Optional

import torch
import torch.nn as nn
from open_clip.transformer import QuickGELU


class PromptGeneratorBlock(nn.Module):
    """Texts attend to a video's visual tokens, then a per-text MLP.

    Args:
        embed_dim (int): Embedding dimension D.
        num_heads (int): Attention heads.
    """

    def __init__(self, embed_dim: int, num_heads: int) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(embed_dim)
        self.cross_attn = nn.MultiheadAttention(
            embed_dim, num_heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(embed_dim)
        self.mlp = nn.Sequential(
            OrderedDict([('c_fc', nn.Linear(embed_dim, embed_dim * 4)),
                         ('gelu', QuickGELU()),
                         ('c_proj', nn.Linear(embed_dim * 4, embed_dim))]))

    def forward(self, text: torch.Tensor,
                visual: torch.Tensor) -> torch.Tensor:
        """
        Args:
            text (Tensor): ``[N, K, D]``.
            visual (Tensor): ``[N, P, D]`` normalised visual tokens.

        Returns:
            Tensor: ``[N, K, D]``.
        """
        text = text + self.cross_attn(
            self.ln_1(text), visual, visual, need_weights=False)[0]
        return text + self.mlp(self.ln_2(text))


class VideoSpecificPrompt(nn.Module):
    """Prompts that condition category text embeddings on one video.

    The K category embeddings of each video attend to that video's visual
    tokens through ``num_layers`` blocks; the result, scaled per channel by a
    learnable ``alpha`` (small at start, so training starts from the plain
    text classifier), is the prompt added to the text embeddings.

    Args:
        embed_dim (int): Embedding dimension D.
        num_layers (int): Prompt generator blocks. Defaults to 2 (X-CLIP).
        num_heads (int, optional): Attention heads. Defaults to
            ``embed_dim // 64``.
        alpha (float): Initial prompt scale. Defaults to 0.1 (X-CLIP).
    """

    def __init__(self,
                 embed_dim: int,
                 num_layers: int = 2,
                 num_heads: Optional[int] = None,
                 alpha: float = 0.1) -> None:
        super().__init__()
        self.visual_ln = nn.LayerNorm(embed_dim)
        self.blocks = nn.ModuleList([
            PromptGeneratorBlock(embed_dim, num_heads
                                 or max(1, embed_dim // 64))
            for _ in range(num_layers)
        ])
        self.alpha = nn.Parameter(torch.full((embed_dim, ), alpha))
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.trunc_normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)

    def forward(self, text: torch.Tensor,
                visual: torch.Tensor) -> torch.Tensor:
        """
        Args:
            text (Tensor): ``[N, K, D]`` category embeddings per video.
            visual (Tensor): ``[N, P, D]`` visual tokens of each video.

        Returns:
            Tensor: ``[N, K, D]`` prompts, to be added to ``text``.
        """
        visual = self.visual_ln(visual)
        for block in self.blocks:
            text = block(text, visual)
        return self.alpha * text
