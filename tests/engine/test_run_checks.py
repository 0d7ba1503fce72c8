"""Model, data and checkpoint agreement checks."""
import pytest
import torch.nn as nn
from mmengine.config import Config

from bike_mm.engine.run_checks import (
    ClassNamesMismatch,
    check_class_names,
    check_frames_per_clip,
    check_input_channels,
)
from tests.helpers import DEMO_CONFIG


def test_clip_len_other_than_num_frames_names_both_fields():
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.test_dataloader.dataset.pipeline[2]['clip_len'] = 16
    with pytest.raises(
            ValueError,
            match=r'test_dataloader.dataset.pipeline\[2\] '
            r'\(ReleasedUniformSample\) '
            r'has clip_len=16 \(x num_clips=1 views\) but '
            r'model.num_frames=8'):
        check_frames_per_clip(cfg, cfg.model.num_frames)
    cfg.test_dataloader.dataset.pipeline[2]['clip_len'] = 8
    check_frames_per_clip(cfg, cfg.model.num_frames)


def test_wrapped_datasets_are_checked_too():
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        type='FewShotDataset', dataset=dict(pipeline=[
            dict(type='SampleFrames', clip_len=4, num_clips=2)])))))
    with pytest.raises(ValueError, match=r'train_dataloader.dataset.dataset'
                       r'.pipeline\[0\] \(SampleFrames\) has clip_len=4'):
        check_frames_per_clip(cfg, 8)


def test_input_channels_must_match_the_backbone():
    model = nn.Module()
    model.backbone = nn.Sequential(nn.Conv2d(3, 4, 3))
    cfg = Config(dict(model=dict(data_preprocessor=dict(mean=[0, 0]))))
    with pytest.raises(ValueError, match='model.data_preprocessor.mean has 2 '
                       r'channels but model.backbone \(0\) takes '
                       'in_channels=3'):
        check_input_channels(cfg, model)
    check_input_channels(
        Config(dict(model=dict(data_preprocessor=dict(mean=[0, 0, 0])))),
        model)


def test_class_names_in_another_order_are_refused_or_warned():
    with pytest.raises(ClassNamesMismatch,
                       match="ckpt.pth was trained with other class names "
                       "than the test set: class 0 is 'a' in the checkpoint "
                       "but 'b'"):
        check_class_names(['a', 'b'], ['b', 'a'], 'ckpt.pth', 'the test set')
    with pytest.raises(ClassNamesMismatch,
                       match='the checkpoint has 2 classes but there are 3'):
        check_class_names(['a', 'b'], ['a', 'b', 'c'], 'c.pth', 'data')
    check_class_names(['a', 'b'], ['b', 'a'], 'c.pth', 'data',
                      allow_mismatch=True)
    check_class_names(['a', 'b'], ['a', 'b'], 'c.pth', 'data')
