"""Labels and scores on data samples on the installed mmaction2 (1.1 keeps
``gt_labels``/``pred_scores`` LabelData, 1.2 ``gt_label``/``pred_score``
tensors), read back by mmaction's own ``AccMetric``."""
import mmaction
import pytest
import torch
from mmaction.evaluation import AccMetric
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator
from mmengine.utils import digit_version

from bike_mm.evaluation import BranchAccMetric
from bike_mm.structures import (
    batch_labels,
    branch_scores,
    gt_label,
    pred_score,
    set_gt_label,
    set_pred_score,
)

ON_1_2 = digit_version(mmaction.__version__) >= digit_version('1.2.0')
GT_FIELD, OTHER_GT_FIELD = (('gt_label', 'gt_labels') if ON_1_2 else
                            ('gt_labels', 'gt_label'))
PRED_FIELD, OTHER_PRED_FIELD = (('pred_score', 'pred_scores') if ON_1_2 else
                                ('pred_scores', 'pred_score'))

# 5 samples, 3 classes: top-1 right for samples 0, 2, 4 (3/5); top-2 right
# for all; per class 1/1, 0/1 and 2/3 right, mean 5/9
SCORES = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.3, 0.5],
                       [0.5, 0.4, 0.1], [0.1, 0.1, 0.8]])
LABELS = [0, 2, 2, 1, 2]
METRIC_ARGS = dict(
    metric_list=('top_k_accuracy', 'mean_class_accuracy'),
    metric_options=dict(top_k_accuracy=dict(topk=(1, 2))))


def make_samples(**branches):
    samples = []
    for i, label in enumerate(LABELS):
        sample = set_gt_label(ActionDataSample(), torch.tensor([label]))
        set_pred_score(sample, SCORES[i],
                       **{name: s[i] for name, s in branches.items()})
        samples.append(sample)
    return samples


def evaluate(metric, samples):
    # as in the runner's test loop: samples reach metrics as dicts
    evaluator = Evaluator(metric)
    evaluator.process(samples)
    return evaluator.evaluate(len(samples))


def test_installed_version_fields():
    sample = make_samples()[1]
    assert GT_FIELD in sample and OTHER_GT_FIELD not in sample
    assert PRED_FIELD in sample and OTHER_PRED_FIELD not in sample
    stored = sample.get(PRED_FIELD)
    assert isinstance(stored, torch.Tensor) == ON_1_2
    assert torch.equal(pred_score(sample), SCORES[1])
    assert gt_label(sample).tolist() == [2]


def test_read_from_dict_form():
    sample = make_samples()[3].to_dict()
    assert torch.equal(pred_score(sample), SCORES[3])
    assert gt_label(sample).tolist() == [1]


def test_predicted_label_is_argmax():
    sample = make_samples()[1]
    field = 'pred_label' if ON_1_2 else 'pred_labels'
    stored = sample.get(field)
    label = stored if ON_1_2 else stored.item
    assert label.tolist() == [1]


def test_batch_labels_single_and_multi_label():
    assert batch_labels(make_samples()).tolist() == LABELS
    multi_hot = torch.tensor([[1., 0., 1.], [0., 1., 0.]])
    samples = [set_gt_label(ActionDataSample(), m) for m in multi_hot]
    assert torch.equal(batch_labels(samples), multi_hot)


def test_mmaction_acc_metric_reads_our_predictions():
    metrics = evaluate(AccMetric(**METRIC_ARGS), make_samples())
    assert metrics['acc/top1'] == pytest.approx(3 / 5)
    assert metrics['acc/top2'] == pytest.approx(1.0)
    assert metrics['acc/mean1'] == pytest.approx(5 / 9)


def test_branch_acc_metric_scores_each_branch():
    # video branch: the label scores highest; attributes: lowest
    video = torch.nn.functional.one_hot(torch.tensor(LABELS), 3).float()
    attributes = 1 - video
    samples = make_samples(video=video, attributes=attributes)
    assert set(branch_scores(samples[0])) == {'video', 'attributes'}
    assert torch.equal(pred_score(samples[0]), SCORES[0])
    metrics = evaluate(BranchAccMetric(**METRIC_ARGS), samples)
    assert metrics['acc/top1'] == pytest.approx(3 / 5)
    assert metrics['acc/mean1'] == pytest.approx(5 / 9)
    assert metrics['acc/video_top1'] == pytest.approx(1.0)
    assert metrics['acc/video_mean1'] == pytest.approx(1.0)
    assert metrics['acc/attributes_top1'] == pytest.approx(0.0)
    assert metrics['acc/attributes_top2'] == pytest.approx(0.0)
