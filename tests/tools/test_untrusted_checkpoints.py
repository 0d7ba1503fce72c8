"""The command-line tools on untrusted or wrong checkpoints and inputs:
nothing unpickled runs, and each case ends with one line naming it."""
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from bike_mm.datasets import load_class_names
from tests.engine.test_safe_checkpoint import crafted_checkpoint
from tests.helpers import DEMO_CONFIG, demo_cfg_options, run_tool, tool_error

pytestmark = pytest.mark.e2e
UNSAFE_ENV = dict(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')


def options(demo_data, **extra):
    merged = dict(demo_cfg_options(demo_data), **extra)
    return ['--cfg-options'] + [f'{k}={v}' for k, v in merged.items()]


@pytest.fixture(scope='module')
def demo_model_checkpoint(demo_data, tmp_path_factory):
    """An (untrained) demo model saved as mmengine saves it, with the class
    names of its training set in the meta."""
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.merge_from_dict(demo_cfg_options(demo_data))
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    path = str(tmp_path_factory.mktemp('model') / 'epoch_1.pth')
    classes = load_class_names(osp.join(demo_data, 'labels.txt'))
    torch.save(dict(meta=dict(dataset_meta=dict(classes=classes)),
                    state_dict=model.state_dict()), path)
    return path


@pytest.mark.parametrize('tool,zip_format', [('test.py', True),
                                             ('infer.py', False)])
def test_crafted_checkpoint_never_runs(demo_data, tmp_path, tool,
                                       zip_format):
    marker = tmp_path / 'created_by_unpickling'
    evil = crafted_checkpoint(tmp_path / 'evil.pth', marker, zip_format)
    video = osp.join(demo_data, 'videos', 'test', 'class2_00.mp4')
    args = [evil, video, '--device', 'cpu'] if tool == 'infer.py' else \
        [evil, '--work-dir', tmp_path / 'work']
    result = run_tool(tool, DEMO_CONFIG, *args, *options(demo_data),
                      check=False, env=UNSAFE_ENV)
    assert not marker.exists()
    assert tool_error(result) == (
        f'{tool}: error: Refused to load checkpoint {evil}: it holds '
        'io.open, which is not an allowed type; bike_mm loads only '
        'allow-listed types from checkpoints (see docs/checkpoints.md)')


def test_crafted_checkpoint_never_runs_on_resume(demo_data, tmp_path):
    marker = tmp_path / 'created_by_unpickling'
    evil = crafted_checkpoint(tmp_path / 'evil.pth', marker, False)
    result = run_tool('train.py', DEMO_CONFIG, '--resume', evil,
                      '--work-dir', tmp_path / 'work', *options(demo_data),
                      check=False, env=UNSAFE_ENV)
    assert not marker.exists()
    assert tool_error(result).startswith(
        f'train.py: error: Refused to load checkpoint {evil}: it holds '
        'io.open,')


def test_class_names_in_another_order_are_refused(demo_data,
                                                  demo_model_checkpoint,
                                                  tmp_path):
    names = load_class_names(osp.join(demo_data, 'labels.txt'))
    reordered = tmp_path / 'labels.txt'
    reordered.write_text('\n'.join([names[1], names[0], *names[2:]]))
    result = run_tool(
        'test.py', DEMO_CONFIG, demo_model_checkpoint, '--work-dir',
        tmp_path / 'work',
        *options(demo_data,
                 **{'test_dataloader.dataset.label_file': reordered}),
        check=False)
    assert tool_error(result) == (
        f'test.py: error: Checkpoint {demo_model_checkpoint} was trained '
        'with other class names than the test set: class 0 is '
        f'{names[0]!r} in the checkpoint but {names[1]!r} '
        '(--allow-class-mismatch proceeds anyway)')


def test_clip_len_other_than_num_frames_stops_the_run(
        demo_data, demo_model_checkpoint, tmp_path):
    result = run_tool(
        'test.py', DEMO_CONFIG, demo_model_checkpoint, '--work-dir',
        tmp_path / 'work',
        *options(demo_data,
                 **{'test_dataloader.dataset.pipeline.2.clip_len': 16}),
        check=False)
    assert tool_error(result) == (
        'test.py: error: test_dataloader.dataset.pipeline[2] '
        '(ReleasedUniformSample) has clip_len=16 (x num_clips=1 views) but '
        'model.num_frames=8: each view must have model.num_frames frames')


def test_truncated_video_and_corrupt_checkpoint_are_one_line(
        demo_data, demo_model_checkpoint, tmp_path):
    video = tmp_path / 'truncated.mp4'
    whole = open(osp.join(demo_data, 'videos', 'test', 'class2_00.mp4'),
                 'rb').read()
    video.write_bytes(whole[:len(whole) // 3])
    result = run_tool('infer.py', DEMO_CONFIG, demo_model_checkpoint, video,
                      '--device', 'cpu', *options(demo_data), check=False)
    assert tool_error(result).startswith(
        f'infer.py: error: Cannot read video {video}') or tool_error(
            result).startswith(f'infer.py: error: Cannot decode video {video}')
    corrupt = tmp_path / 'corrupt.pth'
    corrupt.write_bytes(open(demo_model_checkpoint, 'rb').read()[:5000])
    result = run_tool('test.py', DEMO_CONFIG, corrupt, '--work-dir',
                      tmp_path / 'work', *options(demo_data), check=False)
    assert tool_error(result).startswith(
        f'test.py: error: Cannot read checkpoint {corrupt} (truncated or not '
        'a checkpoint)')
