"""Zero-shot evaluation protocols of the BIKE paper (Table 5, supplement
A.3): full-classes and random class subsets ("half-classes")."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from ...structures import gt_label, pred_score


def class_subset(num_classes: int, size: int, seed: int) -> np.ndarray:
    """A random subset of ``size`` class indices, fixed by ``seed``.

    The subset is the first ``size`` entries of the legacy NumPy permutation
    seeded with ``seed``, the draw of the released BIKE evaluation (seeds
    0..9), so the same seeds give the same subsets.

    Returns:
        np.ndarray: ``[size]`` sorted class indices.
    """
    if not 0 < size <= num_classes:
        raise ValueError(f'class_subset: size {size} is not in '
                         f'[1, {num_classes}]')
    perm = np.random.RandomState(seed).permutation(num_classes)
    return np.sort(perm[:size])


def subset_topk_predictions(scores: np.ndarray, subset: np.ndarray,
                            k: int) -> np.ndarray:
    """The k best classes of every sample among ``subset`` only: scores of
    the other classes are never looked at, so they cannot be predicted.

    Args:
        scores (np.ndarray): ``[N, K]`` class scores.
        subset (np.ndarray): ``[S]`` class indices, ``k <= S``.
        k (int): How many classes to return.

    Returns:
        np.ndarray: ``[N, k]`` class indices (into the K classes), best first.
    """
    if k > len(subset):
        raise ValueError(f'top-{k} of a subset of {len(subset)} classes')
    order = np.argsort(-scores[:, subset], axis=1, kind='stable')[:, :k]
    return subset[order]


def topk_accuracy(scores: np.ndarray, labels: np.ndarray, subset: np.ndarray,
                  topk: Sequence[int]) -> List[float]:
    """Top-k accuracies of the samples of ``subset``'s classes, scored
    against those classes only.

    Args:
        scores (np.ndarray): ``[N, K]`` class scores.
        labels (np.ndarray): ``[N]`` class indices.
        subset (np.ndarray): ``[S]`` class indices.
        topk (Sequence[int]): The k values.
    """
    keep = np.isin(labels, subset)
    if not keep.any():
        raise ValueError('zero-shot evaluation: no test sample belongs to '
                         f'the class subset {subset.tolist()}')
    scores, labels = scores[keep], labels[keep]
    preds = subset_topk_predictions(scores, subset, max(topk))
    return [
        float((preds[:, :k] == labels[:, None]).any(1).mean()) for k in topk
    ]


@METRICS.register_module()
class ZeroShotMetric(BaseMetric):
    """Accuracy of a model tested on classes it was not trained on.

    Reports

    - ``full_top{k}``: top-k accuracy over all K classes of the test set
      (the paper's "full-classes" protocol, and the Kinetics-600 splits);
    - ``subset_top{k}_mean`` / ``subset_top{k}_std``: with ``num_repeats`` >
      0, mean and standard deviation (NumPy's, ddof=0) over ``num_repeats``
      random class subsets of ``subset_size`` classes (default: half, the
      paper's "half-classes" protocol UCF*/HMDB*/ActivityNet*: 50, 25 and
      100 classes, 10 repeats). Repeat r draws its subset with seed
      ``seed + r``; only the samples of the subset's classes count, and they
      are classified among the subset's classes only.

    Restricting the scores to a subset equals scoring only the subset's
    classes when the scores are per-class logits, or single-view
    probabilities (argmax and ranking are unchanged by the softmax). With
    several views use ``average_clips='score'`` in the head.

    Args:
        topk (Sequence[int]): The k of the top-k accuracies.
            Defaults to ``(1, 5)``.
        num_repeats (int): Random subsets to evaluate; 0 reports only the
            full-classes accuracy. Defaults to 10.
        subset_size (int, optional): Classes per subset. Defaults to half
            of the test set's classes.
        seed (int): Seed of the first subset. Defaults to 0.
        collect_device (str): Device for collecting results across ranks.
            Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to
            ``'zero_shot'``.
    """
    default_prefix: Optional[str] = 'zero_shot'

    def __init__(self,
                 topk: Sequence[int] = (1, 5),
                 num_repeats: int = 10,
                 subset_size: Optional[int] = None,
                 seed: int = 0,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if num_repeats < 0:
            raise ValueError(f'ZeroShotMetric: num_repeats must be >= 0, '
                             f'got {num_repeats}')
        self.topk = tuple(topk)
        self.num_repeats = num_repeats
        self.subset_size = subset_size
        self.seed = seed

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Keep the scores and the label of every sample."""
        for sample in data_samples:
            label = gt_label(sample)
            if label.numel() != 1:
                raise ValueError('ZeroShotMetric needs single-label samples')
            self.results.append((pred_score(sample).cpu().numpy(),
                                 int(label.item())))

    def compute_metrics(
            self, results: List[Tuple[np.ndarray, int]]) -> Dict[str, float]:
        """Full-classes and subset accuracies of the collected samples."""
        scores = np.stack([s for s, _ in results])
        labels = np.array([label for _, label in results])
        num_classes = scores.shape[1]
        metrics = {}
        all_classes = np.arange(num_classes)
        for k, acc in zip(
                self.topk, topk_accuracy(scores, labels, all_classes,
                                         self.topk)):
            metrics[f'full_top{k}'] = acc
        if self.num_repeats == 0:
            return metrics
        size = self.subset_size or num_classes // 2
        accs = np.array([
            topk_accuracy(scores, labels,
                          class_subset(num_classes, size, self.seed + r),
                          self.topk) for r in range(self.num_repeats)
        ])
        for i, k in enumerate(self.topk):
            metrics[f'subset_top{k}_mean'] = float(accs[:, i].mean())
            metrics[f'subset_top{k}_std'] = float(accs[:, i].std())
        return metrics
