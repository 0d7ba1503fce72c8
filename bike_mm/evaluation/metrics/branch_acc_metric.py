"""Accuracy of a fused prediction and of each branch that went into it."""
from typing import Dict, List, Sequence

from mmaction.evaluation import AccMetric
from mmaction.registry import METRICS

from ...structures import branch_scores


@METRICS.register_module()
class BranchAccMetric(AccMetric):
    """mmaction's :class:`AccMetric` for two-branch models such as BIKE's
    video + attributes recognizer.

    The data samples hold the fused scores as their prediction and each
    branch's own scores in ``branch_scores`` (``video``, ``attributes``; see
    :meth:`AttributesHead.predict`). The fused prediction is reported under
    AccMetric's usual names (``top1``, ``top5``, ``mean1``, so ``acc/top1``
    stays the model's accuracy and the checkpoint-selection key) and each
    branch under ``<branch>_<name>``, e.g. ``acc/video_top1`` and
    ``acc/attributes_top1``. Single-branch samples give exactly AccMetric's
    results.

    Args: As :class:`AccMetric`.
    """

    def process(self, data_batch: Sequence, data_samples: Sequence) -> None:
        """AccMetric's results, plus each branch's scores."""
        super().process(data_batch, data_samples)
        added = self.results[len(self.results) - len(data_samples):]
        for result, sample in zip(added, data_samples):
            result['branches'] = {
                name: score.cpu().numpy()
                for name, score in branch_scores(sample).items()
            }

    def compute_metrics(self, results: List) -> Dict:
        labels = [x['label'] for x in results]
        metrics = super().compute_metrics(results)
        for branch in results[0]['branches']:
            scores = [x['branches'][branch] for x in results]
            metrics.update({
                f'{branch}_{name}': value
                for name, value in self.calculate(scores, labels).items()
            })
        return metrics
