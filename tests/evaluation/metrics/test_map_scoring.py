"""mAP of the paper's scoring (mean similarity per class) and of the
released scoring (softmax, mean, softmax), on numbers worked out by hand."""
import pytest
import torch
from mmaction.registry import METRICS, MODELS
from mmaction.structures import ActionDataSample

from bike_mm.models.utils import TextEmbeddings
from bike_mm.structures import set_gt_label

# two videos of one view and one frame; the text classifier is the identity,
# so a video's similarities are its L2-normalised frame embedding
FRAMES = torch.tensor([[[1., 0.9, 0.]], [[-1., 1., -0.9]]])
LABELS = [0, 1]


def mean_average_precision(average_clips):
    head = MODELS.build(dict(type='Text4VisHead', num_classes=3,
                             in_channels=3, temporal_layers=0,
                             average_clips=average_clips))
    texts = torch.eye(3)
    categories = TextEmbeddings(texts, texts[:, None],
                                torch.ones(3, 1, dtype=torch.bool))
    samples = []
    for label in LABELS:
        sample = ActionDataSample()
        set_gt_label(sample, torch.tensor([label]))
        samples.append(sample)
    head.predict(FRAMES, categories, samples, logit_scale=100.)
    metric = METRICS.build(dict(type='AccMAPMetric', topk=(1, )))
    metric.process(None, [s.to_dict() for s in samples])
    return metric.compute_metrics(metric.results)


def test_paper_and_released_scoring_rank_differently():
    # s = (.743, .669, 0) for video 0 (label 0), (-.597, .597, -.537) for
    # video 1 (label 1). Class 1 by similarity: video 0 (.669) before video
    # 1 (.597): AP 1/2. Released: softmax(s)_1 is .386 for video 0, .616
    # for video 1, and a second softmax keeps that order (.350 < .433):
    # AP 1. Class 0 is ranked right by both (AP 1); class 2 has no
    # positive and is left out.
    paper = mean_average_precision('score')
    released = mean_average_precision('released')
    assert paper['mean_average_precision'] == pytest.approx(0.75)
    assert released['mean_average_precision'] == pytest.approx(1.0)
    # top-1 does not depend on the scoring
    assert paper['top1'] == released['top1'] == 1.0
