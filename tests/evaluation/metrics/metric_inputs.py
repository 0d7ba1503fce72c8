"""Metric inputs as the test loop hands them over."""
import torch
from mmaction.structures import ActionDataSample

from bike_mm.structures import set_gt_label, set_pred_score


def samples(scores, labels):
    """Data samples (as dicts) with the given scores and class labels."""
    return [
        set_gt_label(
            set_pred_score(ActionDataSample(),
                           torch.tensor(s, dtype=torch.float)),
            torch.tensor([lab])).to_dict() for s, lab in zip(scores, labels)
    ]


def evaluate(metric, scores, labels):
    """The metric's results on the given scores and labels."""
    metric.process(None, samples(scores, labels))
    return metric.compute_metrics(metric.results)
