"""Exact resume: k epochs + resume == N epochs uninterrupted, on the demo
model with persistent data-loading workers."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from bike_mm.engine import load_checkpoint_file
from tests.helpers import DEMO_CONFIG, annotation_subset, demo_cfg_options


class BatchRecorder(Hook):
    """Keeps (epoch, sum of the inputs, labels) of every training batch."""

    def __init__(self):
        self.batches = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        inputs = torch.stack(data_batch['inputs']).double()
        self.batches.append((runner.epoch, float(inputs.sum()),
                             float((inputs * inputs).sum())))


def run(demo_data, tmp_path, work_dir, max_epochs, resume=False):
    options = demo_cfg_options(demo_data)
    for split, lines in (('train', 8), ('val', 2)):
        options[f'{split}_dataloader.dataset.ann_file'] = annotation_subset(
            osp.join(demo_data, f'{split}.txt'),
            str(tmp_path / f'{split}_subset.txt'), lines)
        options[f'{split}_dataloader.batch_size'] = 4
    options.update({
        'train_dataloader.num_workers': 1,
        'train_dataloader.persistent_workers': True,
        'train_cfg.max_epochs': max_epochs,
        'train_cfg.val_interval': 1,
        'work_dir': str(work_dir),
        'resume': resume,
    })
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.merge_from_dict(options)
    runner = Runner.from_cfg(cfg)
    recorder = BatchRecorder()
    runner.register_hook(recorder)
    runner.train()
    return recorder.batches, load_checkpoint_file(
        osp.join(work_dir, f'epoch_{max_epochs}.pth'))


def max_abs_diff(a, b) -> float:
    if isinstance(a, torch.Tensor):
        return float((a.double() - b.double()).abs().max()) \
            if a.is_floating_point() else float((a != b).any())
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        return max([max_abs_diff(a[k], b[k]) for k in a] or [0.0])
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        return max([max_abs_diff(x, y) for x, y in zip(a, b)] or [0.0])
    return 0.0 if a == b else float('inf')


@pytest.mark.e2e
def test_one_epoch_and_resume_equals_two_epochs(demo_data, tmp_path):
    straight, full = run(demo_data, tmp_path, tmp_path / 'straight', 2)
    first, _ = run(demo_data, tmp_path, tmp_path / 'resumed', 1)
    second, resumed = run(
        demo_data, tmp_path, tmp_path / 'resumed', 2, resume=True)
    assert [b for b in straight if b[0] == 0] == first
    assert [b for b in straight if b[0] == 1] == second
    assert len(second) == 2
    assert max_abs_diff(full['state_dict'], resumed['state_dict']) <= 1e-6
    assert max_abs_diff(full['optimizer']['state'],
                        resumed['optimizer']['state']) <= 1e-6
    # the run really trained: the weights moved away from epoch 1's
    assert max_abs_diff(full['state_dict'], load_checkpoint_file(
        str(tmp_path / 'resumed' / 'epoch_1.pth'))['state_dict']) > 1e-4

