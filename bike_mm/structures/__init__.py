from .sample_fields import (
    batch_labels,
    branch_scores,
    gt_label,
    pred_score,
    set_gt_label,
    set_pred_score,
)

__all__ = [
    'batch_labels', 'branch_scores', 'gt_label', 'pred_score', 'set_gt_label',
    'set_pred_score'
]
