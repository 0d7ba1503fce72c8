"""Symmetric multi-positive InfoNCE over the global (gathered) batch."""
from typing import Callable, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from ..utils.gather import TORCH_COLLECTIVES, Collectives

Features = Union[torch.Tensor, Sequence[torch.Tensor]]
ScoreFn = Callable[[Features, Features], torch.Tensor]


def _gather(feats: Features,
            gather_batch: Callable[[torch.Tensor], torch.Tensor]) -> Features:
    """Gather a tensor, or each field of a tuple / NamedTuple of tensors."""
    if isinstance(feats, torch.Tensor):
        return gather_batch(feats)
    gathered = [gather_batch(f) for f in feats]
    if all(g is f for g, f in zip(gathered, feats)):
        return feats
    if hasattr(feats, '_fields'):  # NamedTuple, e.g. TextEmbeddings
        return type(feats)(*gathered)
    return type(feats)(gathered)


def positive_mask(labels_a: torch.Tensor,
                  labels_b: torch.Tensor) -> torch.Tensor:
    """Pairs that share a class: equal indices for single-label ``[N]``
    labels, overlapping classes for multi-hot ``[N, K]`` labels."""
    if labels_a.dim() == 1:
        return labels_a[:, None] == labels_b[None, :]
    return (labels_a.float() @ labels_b.float().t()) > 0


def multi_positive_nce(logits: torch.Tensor,
                       positives: torch.Tensor) -> torch.Tensor:
    """Sum over rows of ``-1/|K(i)| * sum_{k in K(i)} log softmax(row)[k]``.

    Args:
        logits (Tensor): ``[N, NM]`` scaled similarities.
        positives (Tensor): ``[N, NM]`` bool, at least one per row.
    """
    # at least float32: half-precision logits (AMP) lose the softmax tail
    dtype = torch.promote_types(logits.dtype, torch.float32)
    log_prob = F.log_softmax(logits.to(dtype), dim=1)
    pos = positives.to(dtype)
    return -((log_prob * pos).sum(1) / pos.sum(1)).sum()


@MODELS.register_module()
class DistInfoNCELoss(nn.Module):
    """Symmetric multi-positive InfoNCE of BIKE (paper Eq. 7 and 8),
    sharded across processes as in the supplement's Algorithm 1.

    Each rank holds N videos (or attribute sentences) and the N categories of
    their labels. Category features and all labels are gathered; each rank
    scores its N videos against all NM categories (one ``N x NM`` call of
    ``score_fn``, so every (video, category) pair is scored on exactly one
    rank and no rank builds ``NM x NM``). The category-to-video direction
    needs, for each local category, its scores against all NM videos: an
    all-to-all of scalar score blocks delivers them (``score_columns``),
    and gradients flow back to the rank that computed each score. This is
    the supplement's Algorithm 1 without scoring the pairs twice (Algorithm 1
    also scores local categories against gathered videos), which halves the
    per-rank cost of category-dependent heads such as VCS and leaves video
    features ungathered.

    Positives of a row are all items with the same label (or an overlapping
    label set for multi-label data), normalised by their number ``|K(i)|``.
    The local loss is ``(sum of local row losses) / (2N)``, so that the mean
    over ranks, which DDP's gradient averaging differentiates, is the
    full-batch loss ``(L_V2C + L_C2V) / 2`` (ranks hold equal N, as
    mmengine's ``DefaultSampler`` ensures).

    Args:
        loss_weight (float): Factor of the loss. Defaults to 1.0.
        collectives (Collectives, optional): The gather and score exchange
            across ranks (kept as ``self.collectives``). Defaults to
            :data:`TORCH_COLLECTIVES`, torch.distributed's; a benchmark
            passes simulated ones.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 collectives: Optional[Collectives] = None) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.collectives = TORCH_COLLECTIVES if collectives is None \
            else collectives

    def forward(self,
                video_feats: Features,
                category_feats: Features,
                labels: torch.Tensor,
                score_fn: ScoreFn,
                logit_scale: Union[float, torch.Tensor],
                category_labels: Optional[torch.Tensor] = None
                ) -> torch.Tensor:
        """Compute the loss of this rank's rows.

        Args:
            video_feats (Tensor | tuple[Tensor]): Local video-side features,
                leading dim N (e.g. frame embeddings ``[N, T, D]``).
            category_feats (Tensor | tuple[Tensor]): Local features of the N
                categories, leading dim N.
            labels (Tensor): Labels of the videos: ``[N]`` class indices or
                ``[N, K]`` multi-hot.
            score_fn (callable): ``score_fn(videos, categories)`` returns the
                ``[n_videos, n_categories]`` similarity of every pair.
            logit_scale (float | Tensor): Inverse temperature ``1 / tau``.
            category_labels (Tensor, optional): Labels of the categories, in
                the same form as ``labels``. Defaults to ``labels`` (the
                category of sample i is ``C[y_i]``).

        Returns:
            Tensor: Scalar loss.
        """
        if category_labels is None:
            category_labels = labels
        num_local = labels.shape[0]
        collectives = self.collectives
        all_categories = _gather(category_feats, collectives.gather_batch)
        all_labels = collectives.gather_batch(labels)
        all_category_labels = all_labels if category_labels is labels \
            else collectives.gather_batch(category_labels)
        video_positives = positive_mask(labels, all_category_labels)
        category_positives = positive_mask(category_labels, all_labels)
        if not (video_positives.any(1).all()
                and category_positives.any(1).all()):
            raise ValueError('DistInfoNCELoss: a sample has no positive in '
                             'the gathered batch (empty multi-hot label?)')
        video_to_category = logit_scale * score_fn(video_feats, all_categories)
        category_to_video = collectives.score_columns(
            video_to_category, collectives.gather_sizes(labels))
        loss = multi_positive_nce(video_to_category, video_positives) + \
            multi_positive_nce(category_to_video, category_positives)
        return self.loss_weight * loss / (2 * num_local)
