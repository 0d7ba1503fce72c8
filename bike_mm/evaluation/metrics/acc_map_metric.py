"""Top-k accuracy and mAP of single-label recognition (ActivityNet)."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.evaluation import AccMetric, mean_average_precision
from mmaction.registry import METRICS


@METRICS.register_module()
class AccMAPMetric(AccMetric):
    """mmaction's :class:`AccMetric` (top-k and mean class accuracy) plus the
    mean average precision over classes of single-label data, the video-level
    metrics of ActivityNet (BIKE paper Table 2). Each label is one-hot encoded
    for mmaction's ``mean_average_precision``; classes without positives are
    left out of the mean.

    (Multi-label data such as Charades is covered by
    ``AccMetric(metric_list=('mean_average_precision', ))`` itself.)

    Args:
        topk (Sequence[int]): The k of the top-k accuracies.
            Defaults to ``(1, 5)``.
        collect_device (str): Device for collecting results across ranks.
            Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to ``'acc'``.
    """

    def __init__(self,
                 topk: Sequence[int] = (1, 5),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(
            metric_list=('top_k_accuracy', 'mean_class_accuracy'),
            metric_options=dict(top_k_accuracy=dict(topk=tuple(topk))),
            collect_device=collect_device,
            prefix=prefix)

    def calculate(self, preds: List[np.ndarray],
                  labels: List[int]) -> Dict[str, float]:
        """AccMetric's accuracies and ``mean_average_precision``."""
        if not all(np.ndim(label) == 0 for label in labels):
            raise ValueError('AccMAPMetric needs single-label samples; use '
                             "AccMetric(metric_list=('mean_average_precision'"
                             ',)) for multi-label data')
        results = super().calculate(preds, labels)
        one_hot = np.eye(len(preds[0]))[np.asarray(labels)]
        results['mean_average_precision'] = float(
            mean_average_precision(preds, list(one_hot)))
        return results
