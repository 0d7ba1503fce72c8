"""ZeroShotMetric: zero-shot evaluation on all classes and on random class
subsets; the demo data run through a few-shot and a zero-shot config."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from bike_mm.analysis import format_report
from bike_mm.evaluation import ZeroShotMetric
from bike_mm.evaluation.metrics.zero_shot_metric import (
    class_subset,
    subset_topk_predictions,
)
from tests.evaluation.metrics.metric_inputs import evaluate
from tests.helpers import REPO_ROOT, demo_cfg_options

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


@pytest.mark.e2e
def test_demo_few_shot_and_zero_shot(demo_runs):
    few, _, _, metrics = demo_runs
    assert len(few) == 128 and len(few.selected) == 8
    assert set(metrics) == {
        f'zero_shot/{k}'
        for k in ('full_top1', 'full_top3', 'subset_top1_mean',
                  'subset_top1_std', 'subset_top3_mean', 'subset_top3_std')
    }
    assert all(0 <= v <= 1 for v in metrics.values())
    assert metrics['zero_shot/full_top1'] <= metrics['zero_shot/full_top3']
    # the report over splits: one line per split, then mean +- std
    report = format_report(['split_a', 'split_b'], [metrics, metrics])
    lines = report.splitlines()
    assert lines[0].startswith('split_a: zero_shot/full_top1: ')
    assert lines[2] == 'mean +- std over the configs:'
    full = metrics['zero_shot/full_top1']
    assert f'  zero_shot/full_top1: {full:.4f} +- 0.0000' in lines

