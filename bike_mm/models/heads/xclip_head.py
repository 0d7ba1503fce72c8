"""X-CLIP head: multi-frame integration and video-specific prompts."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from ..common.video_specific_prompt import VideoSpecificPrompt
from ..utils.text_embeddings import TextEmbeddings
from .text4vis_head import Text4VisHead
from .text_conditioned_head import FRAMES_AND_PATCHES


@MODELS.register_module()
class XCLIPHead(Text4VisHead):
    """Scores a video against category texts conditioned on that video.

    The frame embeddings of the cross-frame communication transformer (a
    :class:`CrossFrameOpenCLIP` with :class:`CrossFrameMessage`; the head
    also consumes its patch tokens) go through the multi-frame integration
    transformer (a temporal transformer with a residual connection, then the
    temporal mean: Text4Vis's T-Trans with X-CLIP's one layer). The frozen
    text embeddings of the K categories become video-specific: each video's
    texts attend to its patch tokens (normalised and projected to D, averaged
    over frames) in the prompt generator, whose output is added to them.
    Logits are CLIP's scaled cosines; the loss is cross-entropy.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Embedding dimension D.
        visual_width (int): Width W of the vision transformer's tokens.
        temporal_layers (int): Multi-frame integration transformer layers.
            Defaults to 1.
        temporal_heads (int, optional): Its heads: 8 for X-CLIP-B, 12 for
            X-CLIP-L. Defaults to ``in_channels // 64``.
        prompt_layers (int): Prompt generator blocks. Defaults to 2.
        prompt_alpha (float): Initial prompt scale. Defaults to 0.1.
        **kwargs: :class:`Text4VisHead` arguments (``loss_cls``,
            ``label_smooth_eps``, ``average_clips``, ...); the classifier is
            the text one.
    """

    features = FRAMES_AND_PATCHES

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 visual_width: int,
                 temporal_layers: int = 1,
                 temporal_heads: Optional[int] = None,
                 prompt_layers: int = 2,
                 prompt_alpha: float = 0.1,
                 init_cfg: Optional[Dict] = None,
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            temporal_layers=temporal_layers,
            temporal_heads=temporal_heads,
            init_cfg=init_cfg,
            **kwargs)
        if self.classifier_type != 'text':
            raise ValueError('XCLIPHead: video-specific prompts condition '
                             'text classifiers; classifier must be "text"')
        self.prompt_visual_ln = nn.LayerNorm(visual_width)
        self.prompt_visual_proj = nn.Linear(
            visual_width, in_channels, bias=False)
        nn.init.normal_(self.prompt_visual_proj.weight, std=visual_width**-0.5)
        self.prompt_generator = VideoSpecificPrompt(
            in_channels, prompt_layers, alpha=prompt_alpha)

    def video_specific_texts(self, patches: torch.Tensor,
                             categories: TextEmbeddings) -> torch.Tensor:
        """Category embeddings plus each video's prompts.

        Args:
            patches (Tensor): ``[N, T, P, W]`` patch tokens.
            categories (TextEmbeddings): K categories.

        Returns:
            Tensor: ``[N, K, D]`` L2-normalised.
        """
        visual = self.prompt_visual_proj(
            self.prompt_visual_ln(patches)).mean(1)
        # prompts add to the unnormalised embeddings, as in X-CLIP
        text = self.frozen_texts(categories).expand(patches.shape[0], -1, -1)
        return F.normalize(text + self.prompt_generator(text, visual), dim=-1)

    def similarity(self, feats: Tuple[torch.Tensor, torch.Tensor],
                   categories: TextEmbeddings) -> torch.Tensor:
        """Cosine of videos and their prompted categories.

        Args:
            feats (tuple[Tensor, Tensor]): Frame embeddings ``[N, T, D]`` and
                patch tokens ``[N, T, P, W]``.
            categories (TextEmbeddings): All K categories.

        Returns:
            Tensor: ``[N, K]``.
        """
        frames, patches = feats
        video = self.video_embedding(frames)
        texts = self.video_specific_texts(patches, categories)
        return torch.einsum('nd,nkd->nk', video, texts)
