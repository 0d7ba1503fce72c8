"""Accuracy of a fused prediction and of each branch that went into it."""
from typing import Dict, List

from mmaction.evaluation import AccMetric
from mmaction.registry import METRICS


@METRICS.register_module()
class BranchAccMetric(AccMetric):
    """mmaction's :class:`AccMetric` for two-branch models such as BIKE's
    video + attributes recognizer.

    The data samples hold the fused scores in ``pred_scores.item`` and each
    branch's own scores in further items (``pred_scores.video``,
    ``pred_scores.attributes``; see :meth:`AttributesHead.predict`). The
    fused prediction is reported under AccMetric's usual names (``top1``,
    ``top5``, ``mean1``, so ``acc/top1`` stays the model's accuracy and the
    checkpoint-selection key) and each branch under ``<branch>_<name>``, e.g.
    ``acc/video_top1`` and ``acc/attributes_top1``. Single-branch samples
    give exactly AccMetric's results.

    Args: As :class:`AccMetric`.
    """

    def compute_metrics(self, results: List) -> Dict:
        labels = [x['label'] for x in results]
        metrics = self.calculate([x['pred']['item'] for x in results], labels)
        for branch in results[0]['pred']:
            if branch != 'item':
                scores = [x['pred'][branch] for x in results]
                metrics.update({
                    f'{branch}_{name}': value
                    for name, value in self.calculate(scores, labels).items()
                })
        return metrics
