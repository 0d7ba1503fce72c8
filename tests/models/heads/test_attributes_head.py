"""AttributesHead: fusion of the two branches' scores (the paper's Eq. 4 and
the released code's) and the per-branch accuracy metric."""
import pytest
import torch
from mmaction.registry import MODELS

from bike_mm.evaluation.metrics import BranchAccMetric
from bike_mm.models.utils import TextEmbeddings
from bike_mm.structures import branch_scores, pred_score
from tests.helpers import labelled_samples

# two samples of 2 views each; 3 classes
FUSION_VIDEO = torch.tensor([[[0.2, 0.1, 0.6], [0.0, 0.1, 0.4]],
                             [[0.5, 0.3, 0.2], [0.3, 0.3, 0.2]]])
FUSION_CATEGORIES = torch.tensor([[1., 0.], [0., 1.], [-1., 0.]])
FUSION_ATTRIBUTES = torch.tensor([[0., 2.], [3., 0.]])  # S_A rows below


def fused_samples(**head_args):
    head = MODELS.build(
        dict(type='AttributesHead', num_classes=3, in_channels=2,
             **head_args))
    cats = TextEmbeddings(FUSION_CATEGORIES, FUSION_CATEGORIES[:, None],
                          torch.ones(3, 1, dtype=torch.bool))
    samples = labelled_samples([1, 0])
    head.predict(FUSION_ATTRIBUTES, cats, samples, logit_scale=10.,
                 video_similarity=FUSION_VIDEO.flatten(0, 1))
    return samples


def test_fusion_of_similarities_eq4_and_branch_metric():
    samples = fused_samples(fusion_weight=0.75)
    # by hand: S_V = mean of the views, S_A = cosines,
    # S = 0.75 S_V + 0.25 S_A
    video = [[0.1, 0.1, 0.5], [0.4, 0.3, 0.2]]
    attributes = [[0., 1., 0.], [1., 0., -1.]]
    fused = [[0.075, 0.325, 0.375], [0.55, 0.225, -0.1]]
    for i, sample in enumerate(samples):
        branches = branch_scores(sample)
        torch.testing.assert_close(branches['video'], torch.tensor(video[i]))
        torch.testing.assert_close(branches['attributes'],
                                   torch.tensor(attributes[i]))
        torch.testing.assert_close(pred_score(sample), torch.tensor(fused[i]))
    # sample 0 (label 1) fused -> class 2, wrong; sample 1 right
    metric = BranchAccMetric(metric_options=dict(top_k_accuracy=dict(
        topk=(1, ))))
    metric.process(None, [s.to_dict() for s in samples])
    results = metric.compute_metrics(metric.results)
    assert results['top1'] == 0.5
    assert results['video_top1'] == 0.5
    assert results['attributes_top1'] == 1.0


def test_released_fusion_of_unscaled_softmaxes():
    samples = fused_samples(fusion='released', fusion_weight=0.7)
    # by hand: mean over views of softmax(S_V), softmax(S_A) (no logit
    # scale), S = 0.7 p_V + 0.3 p_A
    video = [[0.286208, 0.286819, 0.426973], [0.367474, 0.332063, 0.300463]]
    attributes = [[0.211942, 0.576117, 0.211942],
                  [0.665241, 0.244728, 0.090031]]
    fused = [[0.263928, 0.373609, 0.362463], [0.456804, 0.305863, 0.237333]]
    for i, sample in enumerate(samples):
        branches = branch_scores(sample)
        for got, want in ((branches['video'], video[i]),
                          (branches['attributes'], attributes[i]),
                          (pred_score(sample), fused[i])):
            torch.testing.assert_close(got, torch.tensor(want), atol=1e-6,
                                       rtol=0)
    # here the released fusion turns sample 0 to its label, class 1
    assert [int(pred_score(s).argmax()) for s in samples] == [1, 0]
    with pytest.raises(ValueError, match='fusion must be one of'):
        fused_samples(fusion='prob')
