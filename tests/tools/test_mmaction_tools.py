"""mmaction's own tools (train.py, test.py) run our configs, and a plain
mmaction model's checkpoint (TSN, saved without bike_mm) tests and resumes
with bike_mm imported, on the installed mmaction2: the 1.1 wheel or 1.2
installed from source."""
import os.path as osp
import re
import subprocess
import sys

import pytest
from mmaction.registry import MODELS
from mmengine.config import Config

from bike_mm.engine import load_checkpoint_file
from tests.helpers import (DEMO_CONFIG, REPO_ROOT, checkout_env,
                           demo_cfg_options, mmaction_tools)

pytestmark = pytest.mark.e2e


def run_mmaction_tool(tool, *args, **env):
    """Run one of mmaction's tools with this checkout importable (our
    configs import bike_mm through ``custom_imports``); returns its log."""
    runner = [sys.executable] if tool.endswith('.py') else ['bash']
    result = subprocess.run(
        [*runner, osp.join(mmaction_tools(), tool), *map(str, args)],
        cwd=REPO_ROOT, env=checkout_env(**env), capture_output=True,
        text=True, timeout=1800)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result.stdout + result.stderr


def cfg_options(options: dict) -> list:
    return ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]


def logged_metrics(log: str) -> str:
    """The metrics of the last test/val epoch in a runner's log."""
    return re.findall(r'Epoch\((?:test|val)\).*?(acc/top1: .*?acc/mean1: '
                      r'[\d.]+)', log)[-1]


def test_demo_with_mmaction_train_and_test(demo_data, tmp_path):
    work_dir = tmp_path / 'work'
    options = demo_cfg_options(demo_data)
    run_mmaction_tool('train.py', DEMO_CONFIG, '--work-dir', work_dir,
                      *cfg_options(dict(options, **{
                          'train_cfg.max_epochs': 6,
                          'train_cfg.val_interval': 10})))
    checkpoint = work_dir / 'epoch_6.pth'
    # it holds the weights of our recognizer
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.merge_from_dict(options)
    state = load_checkpoint_file(str(checkpoint))['state_dict']
    assert state.keys() == MODELS.build(cfg.model).state_dict().keys()

    single = logged_metrics(run_mmaction_tool(
        'test.py', DEMO_CONFIG, checkpoint, '--work-dir', tmp_path / 'test',
        *cfg_options(options)))
    top1 = float(single.split()[1])
    assert top1 > 2 / 8, single  # chance: 1/8
    # mmaction's dist_*.sh need an accelerator (mmengine's pytorch
    # launcher sets a CUDA device); on CPU ours run (test_dist_tools.py)


PLAIN_TSN = '''
# plain mmaction TSN (ResNet-18, random init); no bike_mm
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=18, pretrained=None),
    cls_head=dict(type='TSNHead', num_classes=8, in_channels=512,
                  average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], format_shape='NCHW'))
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=16, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='VideoDataset', ann_file='train.txt',
                 data_prefix=dict(video='videos'), pipeline=pipeline))
val_dataloader = dict(
    batch_size=16, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VideoDataset', ann_file='val.txt',
                 data_prefix=dict(video='videos'), pipeline=pipeline,
                 test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
default_scope = 'mmaction'
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1),
                     logger=dict(type='LoggerHook', interval=4))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
'''


def test_plain_mmaction_checkpoint_tests_and_resumes_with_bike_mm(
        demo_data, tmp_path):
    plain = tmp_path / 'tsn_r18_demo.py'
    plain.write_text(PLAIN_TSN)
    # the same model in a process that imports bike_mm
    with_bike_mm = tmp_path / 'tsn_r18_demo_bike_mm.py'
    with_bike_mm.write_text("_base_ = ['tsn_r18_demo.py']\n"
                            "custom_imports = dict(imports=['bike_mm'])\n")
    # validation and test on the same split: their numbers must agree
    data = {}
    for loader, split in (('train', 'train'), ('val', 'val'), ('test', 'val')):
        prefix = f'{loader}_dataloader.dataset.'
        data[prefix + 'ann_file'] = osp.join(demo_data, f'{split}.txt')
        data[prefix + 'data_prefix.video'] = osp.join(demo_data, 'videos')
    work_dir = tmp_path / 'work'
    train_log = run_mmaction_tool('train.py', plain, '--work-dir', work_dir,
                                  *cfg_options(data))
    checkpoint = work_dir / 'epoch_1.pth'
    assert load_checkpoint_file(str(checkpoint))['meta']['epoch'] == 1

    tested = run_mmaction_tool('test.py', with_bike_mm, checkpoint,
                               '--work-dir', tmp_path / 'test',
                               *cfg_options(data))
    assert logged_metrics(tested) == logged_metrics(train_log)

    resumed = run_mmaction_tool(
        'train.py', with_bike_mm, '--work-dir', work_dir, '--resume',
        checkpoint, *cfg_options(dict(data, **{'train_cfg.max_epochs': 2})))
    assert 'resumed epoch: 1, iter: 8' in resumed
    assert load_checkpoint_file(
        str(work_dir / 'epoch_2.pth'))['meta']['epoch'] == 2
