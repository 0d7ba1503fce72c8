"""RunConsistencyHook: checked at runner start, on save and on resume."""
from types import SimpleNamespace

import pytest
import torch.nn as nn
from mmengine.config import Config

from bike_mm.engine.hooks import RunConsistencyHook
from bike_mm.engine.run_checks import ClassNamesMismatch


def fake_runner(resume=True, classes=('a', 'b'), **cfg):
    model = nn.Module()
    model.num_frames = 8
    model.class_names = ['a', 'b']
    dataset = SimpleNamespace(metainfo=dict(classes=list(classes)))
    return SimpleNamespace(
        model=model, cfg=Config(cfg), _resume=resume,
        _load_from='work/epoch_1.pth',
        train_dataloader=SimpleNamespace(dataset=dataset))


def trained_with(*classes):
    return dict(meta=dict(dataset_meta=dict(classes=list(classes))))


def test_resume_with_other_class_names_is_an_error():
    with pytest.raises(ClassNamesMismatch,
                       match="Checkpoint work/epoch_1.pth was trained with "
                       "other class names than the training set: class 1 is "
                       "'c' in the checkpoint but 'b'"):
        RunConsistencyHook().after_load_checkpoint(
            fake_runner(), trained_with('a', 'c'))
    RunConsistencyHook(allow_class_mismatch=True).after_load_checkpoint(
        fake_runner(), trained_with('a', 'c'))
    # load_from (fine-tuning on other classes) is not a resume
    RunConsistencyHook().after_load_checkpoint(
        fake_runner(resume=False), trained_with('a', 'c'))


def test_saved_checkpoints_name_the_trained_classes():
    checkpoint = dict(meta=dict(dataset_meta=dict()))
    RunConsistencyHook().before_save_checkpoint(fake_runner(), checkpoint)
    assert checkpoint['meta']['dataset_meta']['classes'] == ['a', 'b']


def test_runner_start_checks_frames_per_clip():
    runner = fake_runner(val_dataloader=dict(dataset=dict(pipeline=[
        dict(type='SampleFrames', clip_len=16, num_clips=1)])))
    with pytest.raises(ValueError, match=r'val_dataloader.dataset.pipeline'
                       r'\[0\] \(SampleFrames\) has clip_len=16'):
        RunConsistencyHook().before_run(runner)
