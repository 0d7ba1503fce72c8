"""DatasetClassesHook through the zero-shot demo: trained on the seen demo
classes, tested on the unseen ones, each split with its own label file."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from bike_mm.datasets import load_class_names
from tests.helpers import REPO_ROOT, run_tool, tool_error

ZERO_SHOT_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo',
                            'zero_shot_bike_tiny_demo.py')


def zero_shot_options(demo_dir: str) -> dict:
    """The zero-shot demo config on ``demo_dir``, 1 epoch."""
    options = {
        'model.class_names': osp.join(demo_dir, 'labels_seen.txt'),
        'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1
    }
    for split, part in (('train', 'seen'), ('val', 'seen'),
                        ('test', 'unseen')):
        loader = f'{split}_dataloader.'
        options.update({
            loader + 'dataset.ann_file':
            osp.join(demo_dir, f'{split}_{part}.txt'),
            loader + 'dataset.label_file':
            osp.join(demo_dir, f'labels_{part}.txt'),
            loader + 'dataset.data_prefix.video':
            osp.join(demo_dir, 'videos'),
            loader + 'num_workers': 0,
            loader + 'persistent_workers': False
        })
    return options


def test_demo_splits_name_disjoint_classes(demo_data):
    seen = load_class_names(osp.join(demo_data, 'labels_seen.txt'))
    unseen = load_class_names(osp.join(demo_data, 'labels_unseen.txt'))
    assert len(seen) == 5 and len(unseen) == 3
    assert not set(seen) & set(unseen)
    assert seen + unseen == load_class_names(
        osp.join(demo_data, 'labels.txt'))
    with open(osp.join(demo_data, 'test_unseen.txt')) as f:
        lines = f.read().split('\n')[:-1]
    # 6 test videos of each unseen class, labels indexed in labels_unseen
    assert len(lines) == 18 and lines[0] == 'test/class5_00.mp4 0'
    assert lines[-1] == 'test/class7_05.mp4 2'


@pytest.mark.e2e
def test_zero_shot_demo_trains_on_seen_and_tests_on_unseen(
        demo_data, tmp_path):
    cfg = Config.fromfile(ZERO_SHOT_CONFIG)
    cfg.merge_from_dict(zero_shot_options(demo_data))
    cfg.work_dir = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    seen = load_class_names(osp.join(demo_data, 'labels_seen.txt'))
    # after validating, training continued on the seen classes
    assert runner.model.class_names == seen
    assert runner.model.cls_head.num_classes == 5
    metrics = runner.test()
    assert runner.model.class_names == load_class_names(
        osp.join(demo_data, 'labels_unseen.txt'))
    assert metrics['chance/top1'] == pytest.approx(1 / 3)
    assert 0 <= metrics['acc/top1'] <= 1
    assert metrics['acc/top2'] >= metrics['acc/top1']
    # tools/test.py: the checkpoint's classes differ from the test set's by
    # design; refused unless allowed, then chance printed with the result
    options = [f'{k}={v}' for k, v in zero_shot_options(demo_data).items()]
    checkpoint = osp.join(tmp_path, 'epoch_1.pth')
    refused = run_tool('test.py', ZERO_SHOT_CONFIG, checkpoint,
                       '--work-dir', tmp_path / 'test', '--cfg-options',
                       *options, check=False)
    assert 'trained with other class names' in tool_error(refused)
    tested = run_tool('test.py', ZERO_SHOT_CONFIG, checkpoint,
                      '--allow-class-mismatch', '--work-dir',
                      tmp_path / 'test', '--cfg-options', *options)
    last = tested.stdout.strip().splitlines()[-1]
    assert last.startswith('acc/top1: ') and 'chance/top1: 0.3333' in last
