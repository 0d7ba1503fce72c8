"""Evaluation protocols: zero-shot (full / random class subsets), few-shot
sampling, multi-label loss and mAP, ActivityNet top-1 + mAP, and the demo
dataset run through a zero-shot and a few-shot config."""
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from conftest import REPO_ROOT, demo_cfg_options, tiny_bike_model
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmaction.evaluation import AccMetric
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample

from bike_mm.evaluation import AccMAPMetric, ZeroShotMetric
from bike_mm.evaluation.metrics.zero_shot_metric import (
    class_subset, subset_topk_predictions)
from bike_mm.models.heads.vcs_head import sample_positive_classes
from bike_mm.models.losses.dist_infonce_loss import DistInfoNCELoss
from bike_mm.structures import set_gt_label, set_pred_score

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'analysis'))
from test_splits import format_report  # noqa: E402


def samples(scores, labels):
    """Metric inputs as the test loop hands them over."""
    return [
        set_gt_label(
            set_pred_score(ActionDataSample(),
                           torch.tensor(s, dtype=torch.float)),
            torch.tensor([lab])).to_dict() for s, lab in zip(scores, labels)
    ]


def evaluate(metric, scores, labels):
    metric.process(None, samples(scores, labels))
    return metric.compute_metrics(metric.results)


# ----------------------------------------------------------- zero-shot


def test_class_subset_is_the_released_draw():
    subset = class_subset(101, 50, seed=3)
    assert len(subset) == len(set(subset)) == 50
    np.testing.assert_array_equal(
        subset, np.sort(np.random.RandomState(3).permutation(101)[:50]))
    np.testing.assert_array_equal(subset, class_subset(101, 50, seed=3))
    assert not np.array_equal(subset, class_subset(101, 50, seed=4))


def test_classes_outside_the_subset_are_never_predicted():
    rng = np.random.default_rng(0)
    scores = rng.random((50, 10))
    subset = np.array([1, 4, 7])
    scores[:, [0, 2, 3, 5, 6, 8, 9]] += 100.0  # outside classes look best
    for k in (1, 3):
        preds = subset_topk_predictions(scores, subset, k)
        assert preds.shape == (50, k)
        assert np.isin(preds, subset).all()
    # within the subset, the order of the scores is kept
    np.testing.assert_array_equal(
        subset_topk_predictions(scores, subset, 1)[:, 0],
        subset[scores[:, subset].argmax(1)])


def test_zero_shot_metric_full_and_subsets():
    # 4 classes, 3 samples each; the true class scores 0.5, class 3 scores
    # 1.0 everywhere (a distractor), the rest 0
    labels = np.repeat(np.arange(4), 3)
    scores = np.zeros((12, 4))
    scores[np.arange(12), labels] = 0.5
    scores[:, 3] = 1.0
    metric = ZeroShotMetric(topk=(1, 2), num_repeats=5, seed=10)
    result = evaluate(metric, scores, labels)
    # all classes: only class 3's samples are right at top-1; at top-2 the
    # true class is always second (or first)
    assert result['full_top1'] == pytest.approx(3 / 12)
    assert result['full_top2'] == pytest.approx(1.0)
    # a half without class 3 is solved; with it, only class 3's 3 samples
    # out of the subset's 6 are right
    accs = [0.5 if 3 in class_subset(4, 2, 10 + r) else 1.0 for r in range(5)]
    assert 0 < sum(a == 0.5 for a in accs) < 5  # both cases occur
    assert result['subset_top1_mean'] == pytest.approx(np.mean(accs))
    assert result['subset_top1_std'] == pytest.approx(np.std(accs))
    assert result['subset_top2_mean'] == pytest.approx(1.0)
    assert result['subset_top2_std'] == pytest.approx(0.0)


def test_zero_shot_metric_without_subsets():
    labels = np.arange(3)
    scores = np.eye(3)[[0, 2, 2]]
    result = evaluate(ZeroShotMetric(topk=(1, ), num_repeats=0), scores,
                      labels)
    assert result == {'full_top1': pytest.approx(2 / 3)}


# ----------------------------------------------------------- few-shot


@pytest.fixture(scope='module')
def demo_train_set(demo_data):
    return dict(type='CheckedVideoDataset',
                ann_file=osp.join(demo_data, 'train.txt'),
                data_prefix=dict(video=osp.join(demo_data, 'videos')),
                pipeline=[])


def test_few_shot_dataset(demo_train_set):
    full = DATASETS.build(demo_train_set)
    few = DATASETS.build(
        dict(type='FewShotDataset', shots=3, seed=1, dataset=demo_train_set))
    assert len(few) == len(full) == 128  # the epoch length is kept
    files = [few.get_data_info(i)['filename'] for i in range(len(few))]
    # 3 x 8 videos, each 128 // 24 = 5 or 6 times an epoch
    assert sorted(set(files)) == sorted(
        full.get_data_info(i)['filename'] for i in few.selected)
    assert len(set(files)) == 24
    assert {files.count(f) for f in files} == {5, 6}
    for label in range(8):
        assert sum(
            full.get_data_info(i)['label'] == label for i in few.selected) == 3
    same = DATASETS.build(
        dict(type='FewShotDataset', shots=3, seed=1, dataset=demo_train_set))
    other = DATASETS.build(
        dict(type='FewShotDataset', shots=3, seed=2, dataset=demo_train_set))
    assert same.selected == few.selected
    assert other.selected != few.selected
    assert few[5]['filename'] == full[few.selected[5]]['filename']


def test_few_shot_dataset_errors(demo_train_set):
    with pytest.raises(ValueError, match='fewer than shots=17'):
        DATASETS.build(
            dict(type='FewShotDataset', shots=17, dataset=demo_train_set))


# ----------------------------------------------------------- multi-label


def test_sample_positive_classes():
    labels = torch.tensor([[1., 0., 1., 0.], [0., 1., 0., 0.]])
    torch.manual_seed(0)
    draws = torch.stack([sample_positive_classes(labels) for _ in range(50)])
    assert set(draws[:, 0].tolist()) == {0, 2}
    assert set(draws[:, 1].tolist()) == {1}
    with pytest.raises(ValueError, match=r'\[1\]'):
        sample_positive_classes(torch.tensor([[1., 0.], [0., 0.]]))


def test_multi_label_loss_hand_made():
    # 2 videos: {0, 1} and {1}; their categories (drawn positives): 0 and 1
    labels = torch.tensor([[1., 1.], [0., 1.]])
    category_labels = torch.tensor([[1, 0], [0, 1]])
    sims = torch.tensor([[0.9, 0.2], [0.1, 0.8]])
    loss = DistInfoNCELoss()(torch.arange(2), torch.arange(2), labels,
                             lambda v, c: sims[v][:, c], 1.0, category_labels)
    # video 0 matches both categories, video 1 only category 1; category 0
    # matches video 0, category 1 both videos
    log_v = torch.log_softmax(sims, 1)
    log_c = torch.log_softmax(sims.t(), 1)
    v2c = -(log_v[0].sum() / 2) - log_v[1, 1]
    c2v = -log_c[0, 0] - (log_c[1].sum() / 2)
    assert loss.item() == pytest.approx(((v2c + c2v) / 4).item())


def test_recognizer_trains_on_multi_hot_labels():
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(tiny_bike_model(num_classes=5))
    batch = []
    for positives in ([0, 3], [1], [3, 4]):
        sample = ActionDataSample()
        set_gt_label(
            sample, torch.zeros(5).index_fill_(0, torch.tensor(positives), 1.))
        batch.append(sample)
    inputs = torch.randn(3, 4, 3, 64, 64)
    torch.manual_seed(0)
    loss = model.loss(inputs, batch)['loss_cls']
    assert torch.isfinite(loss) and loss > 0
    loss.backward()


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


# ----------------------------------------------------------- demo runs


def run_config(config, demo_dir, work_dir, **options):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'demo', config))
    for key, value in demo_cfg_options(demo_dir).items():
        loader, _, field = key.partition('.')
        if loader != 'model.class_names' and cfg.get(loader) is None:
            continue  # e.g. no training in a zero-shot test
        if field.startswith('dataset.') and \
                cfg[loader].dataset.type == 'FewShotDataset':
            key = f'{loader}.dataset.{field}'  # the wrapped dataset's
        cfg.merge_from_dict({key: value})
    cfg.merge_from_dict(options)
    cfg.work_dir = work_dir
    return Runner.from_cfg(cfg)


@pytest.fixture(scope='module')
def demo_runs(demo_data, tmp_path_factory):
    """Work dirs of a 1-epoch few-shot training and a zero-shot test of its
    checkpoint, on the demo data."""
    few_dir = str(tmp_path_factory.mktemp('few_shot'))
    runner = run_config(
        'few_shot_bike_tiny_demo.py', demo_data, few_dir, **{
            'train_cfg.max_epochs': 1,
            'train_cfg.val_interval': 1,
            'train_dataloader.dataset.shots': 1
        })
    runner.train()
    few = runner.train_dataloader.dataset
    zero_dir = str(tmp_path_factory.mktemp('zero_shot'))
    metrics = run_config('bike_tiny_demo.py',
                         demo_data,
                         zero_dir,
                         load_from=osp.join(few_dir, 'epoch_1.pth'),
                         test_evaluator=dict(type='ZeroShotMetric',
                                             topk=(1, 3),
                                             num_repeats=10,
                                             seed=0)).test()
    return few, few_dir, zero_dir, metrics


def test_demo_few_shot_and_zero_shot(demo_runs):
    few, _, _, metrics = demo_runs
    assert len(few) == 128 and len(few.selected) == 8
    assert set(metrics) == {
        f'zero_shot/{k}'
        for k in ('full_top1', 'full_top3', 'subset_top1_mean',
                  'subset_top1_std', 'subset_top3_mean', 'subset_top3_std')
    }
    assert all(0 <= v <= 1 for v in metrics.values())
    print(format_report(['split_a', 'split_b'], [metrics, metrics]))

