"""AttributesHead: fusion of the two branches' scores and the per-branch
accuracy metric."""
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from bike_mm.evaluation.metrics import BranchAccMetric
from bike_mm.models.utils import TextEmbeddings
from bike_mm.structures import (branch_scores, pred_score, set_gt_label,
                                 set_pred_score)


def head_samples(video_scores, labels):
    samples = []
    for score, label in zip(video_scores, labels):
        sample = ActionDataSample()
        set_pred_score(sample, torch.tensor(score))
        set_gt_label(sample, torch.tensor([label]))
        samples.append(sample)
    return samples


def test_fusion_arithmetic_and_branch_metric():
    head = MODELS.build(
        dict(type='AttributesHead', num_classes=3, in_channels=2,
             fusion_weight=0.75))
    categories = torch.tensor([[1., 0.], [0., 1.], [-1., 0.]])
    attributes = torch.tensor([[0., 2.], [3., 0.]])  # -> classes 1 and 0
    video = [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]  # -> classes 2 and 0
    samples = head_samples(video, labels=[1, 0])
    cats = TextEmbeddings(categories, categories[:, None],
                          torch.ones(3, 1, dtype=torch.bool))
    head.predict(attributes, cats, samples, logit_scale=10., fuse=True)
    s_a = torch.softmax(10. * torch.tensor([[0., 1., 0.], [1., 0., -1.]]), 1)
    for sample, v, a in zip(samples, video, s_a):
        branches = branch_scores(sample)
        torch.testing.assert_close(branches['attributes'], a)
        torch.testing.assert_close(branches['video'], torch.tensor(v))
        torch.testing.assert_close(pred_score(sample),
                                   0.75 * torch.tensor(v) + 0.25 * a)
    # fused: sample 0 is 0.75*[.1,.2,.7]+.25*[~0,~1,~0] -> class 2 (wrong)
    assert [int(pred_score(s).argmax()) for s in samples] == [2, 0]

    metric = BranchAccMetric(metric_options=dict(top_k_accuracy=dict(
        topk=(1, ))))
    metric.process(None, [s.to_dict() for s in samples])
    results = metric.compute_metrics(metric.results)
    assert results['top1'] == 0.5
    assert results['video_top1'] == 0.5
    assert results['attributes_top1'] == 1.0
