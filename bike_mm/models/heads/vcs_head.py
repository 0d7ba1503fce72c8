"""Video Concept Spotting head (BIKE paper Sec. 2.3, Eq. 5-6)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from ...structures import batch_labels
from ..common.temporal_transformer import TemporalTransformer
from ..utils.text_embeddings import TextEmbeddings
from .text_conditioned_head import TextConditionedHead


@MODELS.register_module()
class VCSHead(TextConditionedHead):
    """Scores videos against categories with category-dependent temporal
    saliency (Video Concept Spotting).

    For a video with frame embeddings ``v_t`` and a category whose words have
    embeddings ``t_n`` (n = 1..N), the saliency of frame t is
    ``S_t = 1/N sum_n softmax_t(<v_t, t_n> / tau)`` (Eq. 5), the video
    embedding ``e_v = sum_t S_t v_t`` (Eq. 6), and the score the cosine of
    ``e_v`` with the category's sentence embedding (Table 6b: words for
    saliency, sentence for recognition). Embeddings are L2-normalised before
    the word-frame similarity.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Embedding dimension D.
        aggregation (str): ``'vcs'`` (Video Concept Spotting) or ``'mean'``
            (the paper's mean-pooling baseline). Defaults to ``'vcs'``.
        temporal_layers (int): Layers of a temporal transformer applied to the
            frames before aggregation; 0 disables it (Table 6a uses 6).
            Defaults to 0.
        temporal_heads (int, optional): Its attention heads. Defaults to
            ``in_channels // 64``.
        temporal_checkpointing (bool): Activation checkpointing of the
            temporal transformer (:class:`TemporalTransformer`). Defaults to
            False.
        all_tokens (bool): Average the saliency over all context tokens, as the
            released code does, instead of the category name's words.
            Defaults to False.
        saliency_temperature (float): tau of Eq. 5. Defaults to 0.01.
        cosine_score (bool): Normalise ``e_v`` before scoring (cosine, as the
            paper states). The released code scores the unnormalised ``e_v``;
            set False to reproduce released checkpoints. Defaults to True.
        loss_cls (dict): The contrastive loss. Defaults to
            ``dict(type='DistInfoNCELoss')``.
        average_clips (str): How test views are averaged: ``'prob'``,
            ``'released'`` (see :class:`TextConditionedHead`) or
            ``'score'``. Defaults to ``'prob'``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 aggregation: str = 'vcs',
                 temporal_layers: int = 0,
                 temporal_heads: Optional[int] = None,
                 temporal_checkpointing: bool = False,
                 all_tokens: bool = False,
                 saliency_temperature: float = 0.01,
                 cosine_score: bool = True,
                 loss_cls: Dict = dict(type='DistInfoNCELoss'),
                 average_clips: str = 'prob',
                 init_cfg: Optional[Dict] = None,
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            init_cfg=init_cfg,
            **kwargs)
        if aggregation not in ('vcs', 'mean'):
            raise ValueError(f'VCSHead: aggregation must be "vcs" or "mean", '
                             f'got {aggregation!r}')
        self.aggregation = aggregation
        self.all_tokens = all_tokens
        self.saliency_temperature = saliency_temperature
        self.cosine_score = cosine_score
        self.temporal = TemporalTransformer(
            in_channels, temporal_layers, temporal_heads,
            grad_checkpointing=temporal_checkpointing
        ) if temporal_layers > 0 else nn.Identity()

    def category_embeddings(self, sentence: torch.Tensor,
                            token_feats: torch.Tensor,
                            word_mask: torch.Tensor) -> TextEmbeddings:
        """Category embeddings in the form this head uses (see
        :meth:`TextEmbeddings.from_tokens`)."""
        return TextEmbeddings.from_tokens(sentence, token_feats, word_mask,
                                          self.all_tokens)

    def saliency(self, frames: torch.Tensor,
                 categories: TextEmbeddings) -> torch.Tensor:
        """Temporal saliency of every (video, category) pair, Eq. 5.

        Args:
            frames (Tensor): ``[Nv, T, D]`` frame embeddings.
            categories (TextEmbeddings): ``Nc`` categories.

        Returns:
            Tensor: ``[Nv, Nc, T]``, summing to 1 over T.
        """
        frames = F.normalize(frames, dim=-1)
        words = F.normalize(categories.words, dim=-1)
        sims = torch.einsum('vtd,cwd->vcwt', frames, words)
        weights = F.softmax(sims / self.saliency_temperature, dim=-1)
        mask = categories.word_mask.to(weights.dtype)
        num_words = mask.sum(1)[:, None]
        return torch.einsum('vcwt,cw->vct', weights, mask) / num_words

    def score(self, frames: torch.Tensor,
              categories: TextEmbeddings) -> torch.Tensor:
        """Similarity of every (video, category) pair.

        Args:
            frames (Tensor): ``[Nv, T, D]`` frame embeddings, after the
                temporal module.
            categories (TextEmbeddings): ``Nc`` categories.

        Returns:
            Tensor: ``[Nv, Nc]`` similarities.
        """
        sentence = F.normalize(categories.sentence, dim=-1)
        if self.aggregation == 'mean':
            video = F.normalize(frames.mean(1), dim=-1)
            return video @ sentence.t()
        saliency = self.saliency(frames, categories)
        frames = F.normalize(frames, dim=-1)
        # e_v = sum_t S_t v_t differs per pair; instead of building it
        # ([Nv, Nc, D]) its products come from frame-level ones ([Nv, Nc, T]):
        # <e_v, s> = sum_t S_t <v_t, s>, |e_v|^2 = sum_t,u S_t S_u <v_t, v_u>
        scores = (saliency * torch.einsum('vtd,cd->vct', frames,
                                          sentence)).sum(-1)
        if self.cosine_score:
            gram = frames @ frames.transpose(1, 2)
            sq_norm = (torch.einsum('vct,vtu->vcu', saliency, gram) *
                       saliency).sum(-1)
            # F.normalize's eps: divide by max(|e_v|, 1e-12)
            scores = scores / sq_norm.clamp_min(1e-24).sqrt()
        return scores

    def temporal_saliency(self, frames: torch.Tensor,
                          categories: TextEmbeddings) -> torch.Tensor:
        """The saliency this head weights frames with when scoring: Eq. 5
        on the frames after the temporal module. Inference and
        visualisation show it.

        Args:
            frames (Tensor): ``[Nv, T, D]`` frame embeddings from the
                backbone.
            categories (TextEmbeddings): ``Nc`` categories.

        Returns:
            Tensor: ``[Nv, Nc, T]``, summing to 1 over T.
        """
        if self.aggregation != 'vcs':
            raise ValueError(
                'VCSHead(aggregation="mean") weights every frame the same; '
                'it has no temporal saliency to show')
        return self.saliency(self.temporal(frames), categories)

    def similarity(self, frames: torch.Tensor,
                   categories: TextEmbeddings) -> torch.Tensor:
        """Unscaled scores of videos against categories.

        Args:
            frames (Tensor): ``[Nv, T, D]`` frame embeddings.
            categories (TextEmbeddings): ``Nc`` categories (e.g. all K).

        Returns:
            Tensor: ``[Nv, Nc]`` similarities.
        """
        return self.score(self.temporal(frames), categories)

    def loss(self,
             frames: torch.Tensor,
             categories: TextEmbeddings,
             data_samples: SampleList,
             logit_scale: torch.Tensor,
             category_labels: Optional[torch.Tensor] = None
             ) -> Dict[str, torch.Tensor]:
        """Contrastive loss of a batch (Eq. 7).

        Args:
            frames (Tensor): ``[N, T, D]`` frame embeddings.
            categories (TextEmbeddings): The category of each of the N
                samples (``C[y_i]``).
            data_samples (list[ActionDataSample]): The N samples.
            logit_scale (Tensor): Inverse temperature.
            category_labels (Tensor, optional): ``[N, K]`` one-hot classes
                of ``categories`` when the samples are multi-label (positives
                are then the videos whose labels contain the class).
                Defaults to the samples' labels.

        Returns:
            dict[str, Tensor]: ``loss_cls``.
        """
        loss = self.loss_cls(self.temporal(frames), categories,
                             batch_labels(data_samples).to(frames.device),
                             self.score, logit_scale, category_labels)
        return dict(loss_cls=loss)
