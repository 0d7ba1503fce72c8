"""Top-1 and mean average precision: AccMAPMetric (ActivityNet) and
mmaction's mAP as the Charades configs use it."""
import numpy as np
import pytest
from mmaction.evaluation import AccMetric

from bike_mm.evaluation import AccMAPMetric
from tests.evaluation.metrics.metric_inputs import evaluate


def test_charades_map_hand_made():
    # two classes, three videos: AP(class 0) = 1 (its 2 positives ranked
    # first); class 1's only positive is ranked second: AP = 1/2
    scores = [[0.9, 0.1], [0.8, 0.7], [0.1, 0.9]]
    labels = [np.array([1, 0]), np.array([1, 1]), np.array([0, 0])]
    metric = AccMetric(metric_list=('mean_average_precision', ))
    result = metric.calculate([np.array(s) for s in scores], labels)
    assert result['mean_average_precision'] == pytest.approx(0.75)


def test_activitynet_top1_and_map_hand_made():
    scores = [[0.6, 0.3, 0.1], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]]
    labels = [0, 1, 2]
    result = evaluate(AccMAPMetric(topk=(1, )), scores, labels)
    assert result['top1'] == pytest.approx(2 / 3)
    # class 0 and 2: their video ranked first (AP 1); class 1: its video
    # ranked last of 3 (AP 1/3)
    assert result['mean_average_precision'] == pytest.approx(7 / 9)
