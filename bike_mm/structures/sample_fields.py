"""Labels and scores on mmaction's ``ActionDataSample``, for mmaction2 1.1
and 1.2 alike.

mmaction2 1.1 keeps them in ``LabelData`` items (``gt_labels.item``,
``pred_scores.item``); 1.2 keeps plain tensors (``gt_label``,
``pred_score``). Every read and write of bike_mm goes through this module,
so the rest of the code has one path, and mmaction's own ``AccMetric``
reads our predictions on both versions.

Scores of the single branches of a fused prediction (BIKE's video and
attributes branches) are kept apart in ``branch_scores`` (a dict), so that
``pred_score(s)`` always holds the model's prediction.
"""
from typing import Dict, Sequence

import torch
from mmaction.structures import ActionDataSample

# mmaction2 1.2 renamed the fields and dropped LabelData
LABELS_ARE_TENSORS = hasattr(ActionDataSample, 'set_gt_label')
GT_FIELD = 'gt_label' if LABELS_ARE_TENSORS else 'gt_labels'
PRED_FIELD = 'pred_score' if LABELS_ARE_TENSORS else 'pred_scores'


def _read(sample, field: str) -> torch.Tensor:
    # metrics receive samples converted to dicts (``to_dict``)
    value = sample[field] if isinstance(sample, dict) else getattr(
        sample, field)
    if LABELS_ARE_TENSORS:
        return value
    return value['item'] if isinstance(value, dict) else value.item


def gt_label(sample) -> torch.Tensor:
    """The ground truth of one sample (an ``ActionDataSample`` or its dict).

    Returns:
        Tensor: ``[1]`` class index, or ``[K]`` multi-hot labels.
    """
    return _read(sample, GT_FIELD)


def set_gt_label(sample: ActionDataSample, label) -> ActionDataSample:
    """Set the ground truth: a class index (int or ``[1]`` tensor) or ``[K]``
    multi-hot labels."""
    if LABELS_ARE_TENSORS:
        return sample.set_gt_label(label)
    return sample.set_gt_labels(label)


def pred_score(sample) -> torch.Tensor:
    """The predicted ``[K]`` class scores of one sample (fused, when the
    model has several branches)."""
    return _read(sample, PRED_FIELD)


def set_pred_score(sample: ActionDataSample, score: torch.Tensor,
                   **branches: torch.Tensor) -> ActionDataSample:
    """Set the predicted ``[K]`` scores and the predicted label, and, for a
    fused prediction, each branch's own ``[K]`` scores by branch name."""
    sample.set_pred_score(score)
    sample.set_pred_label(score.argmax(dim=-1, keepdim=True))
    if branches:
        sample.branch_scores = branches
    return sample


def branch_scores(sample) -> Dict[str, torch.Tensor]:
    """Each branch's own ``[K]`` scores of a fused prediction (empty for a
    single-branch model)."""
    return sample.get('branch_scores', {})


def batch_labels(samples: Sequence) -> torch.Tensor:
    """Ground truth of a batch: ``[N]`` class indices, or ``[N, K]``
    multi-hot labels for multi-label samples."""
    labels = [gt_label(s) for s in samples]
    if labels[0].numel() == 1:
        return torch.cat([label.view(1) for label in labels]).long()
    return torch.stack(labels)
