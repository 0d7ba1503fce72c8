"""bike_mm.datasets.preparation.rawframes: demo videos -> mmaction's
RawframeDataset layout, checked folders, and the same checkpoint tested on
the video and the rawframe version of the demo test split."""
import copy
import os
import os.path as osp

import decord
import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from bike_mm.datasets.preparation import (
    PreparationError,
    check_rawframes,
    videos_to_rawframes,
)
from bike_mm.datasets.preparation.rawframes import frame_indices
from bike_mm.structures import gt_label
from tests.helpers import REPO_ROOT, demo_cfg_options, run_tool, tool_error

DEMO_CONFIGS = osp.join(REPO_ROOT, 'configs', 'demo')


@pytest.fixture(scope='module')
def rawframes(demo_data, tmp_path_factory):
    """The demo test split as frame folders and its annotation file."""
    out = str(tmp_path_factory.mktemp('rawframes'))
    ann = osp.join(out, 'test_rawframes.txt')
    count = videos_to_rawframes(osp.join(demo_data, 'test.txt'),
                                osp.join(demo_data, 'videos'), out, ann)
    assert count == 48
    return out, ann


def test_layout_and_annotation(demo_data, rawframes):
    out, ann = rawframes
    with open(ann) as f:
        first = f.readline().split()
    # the video's path without extension, all its frames, its label
    assert first == ['test/class0_00', '32', '0']
    assert len(decord.VideoReader(
        osp.join(demo_data, 'videos', 'test', 'class0_00.mp4'))) == 32
    assert sorted(os.listdir(osp.join(out, 'test', 'class0_00')))[:2] == [
        'img_00001.jpg', 'img_00002.jpg'
    ]
    assert check_rawframes(ann, out) == 48


def test_frame_rate_resampling():
    np.testing.assert_array_equal(frame_indices(10, 30.0, 15.0),
                                  [0, 2, 4, 6, 8])
    np.testing.assert_array_equal(frame_indices(4, 24.0, None), range(4))
    np.testing.assert_array_equal(frame_indices(4, 24.0, 30.0), range(4))


def test_bad_input_is_named(tmp_path, rawframes):
    out, _ = rawframes
    bad = tmp_path / 'bad.txt'
    bad.write_text('test/class0_00.mp4 zero\n')
    with pytest.raises(PreparationError, match=r'bad.txt, line 1: expected'):
        videos_to_rawframes(str(bad), out, str(tmp_path), str(tmp_path / 'o'))
    (tmp_path / 'empty').mkdir()
    frames = tmp_path / 'frames.txt'
    frames.write_text('empty 32 0\n')
    with pytest.raises(PreparationError,
                       match=r'frames.txt, line 1: empty frame folder'):
        check_rawframes(str(frames), str(tmp_path))
    frames.write_text('\ngone 32 0\n')
    with pytest.raises(PreparationError,
                       match=r'frames.txt, line 2: no frame folder'):
        check_rawframes(str(frames), str(tmp_path))
    frames.write_text('test/class0_00 33 0\n')
    with pytest.raises(PreparationError, match=r'33 frames announced'):
        check_rawframes(str(frames), out)
    missing = tmp_path / 'missing.txt'
    missing.write_text('nothing/here.mp4 0\n')
    with pytest.raises(PreparationError, match=r'here.mp4: video not found'):
        videos_to_rawframes(str(missing), out, str(tmp_path),
                            str(tmp_path / 'o2'))


def test_video_and_rawframe_inputs_match(demo_data, rawframes):
    """The rawframe pipeline samples the same frames as the video one;
    pixels differ only by the JPEG encoding."""
    out, ann = rawframes
    video_cfg = Config.fromfile(osp.join(DEMO_CONFIGS, 'bike_tiny_demo.py'))
    video_cfg.merge_from_dict(demo_cfg_options(demo_data))
    frame_cfg = Config.fromfile(
        osp.join(DEMO_CONFIGS, 'bike_tiny_demo_rawframes.py'))
    frame_cfg.merge_from_dict({
        'test_dataloader.dataset.ann_file': ann,
        'test_dataloader.dataset.data_prefix.img': out
    })
    with DefaultScope.overwrite_default_scope('mmaction'):
        video, frame = (DATASETS.build(copy.deepcopy(
            cfg.test_dataloader.dataset)) for cfg in (video_cfg, frame_cfg))
    assert len(video) == len(frame) == 48
    for idx in (0, 47):
        a, b = video[idx], frame[idx]
        assert gt_label(a['data_samples']) == gt_label(b['data_samples'])
        assert a['inputs'].shape == b['inputs'].shape == (8, 3, 64, 64)
        diff = (a['inputs'].float() - b['inputs'].float()).abs().mean()
        assert diff < 3.0  # JPEG at quality 95, 0..255 pixels


@pytest.mark.e2e
def test_same_checkpoint_same_top1_on_videos_and_rawframes(
        demo_data, rawframes, trained_demo, tmp_path):
    out, ann = rawframes
    options = demo_cfg_options(demo_data)
    frame_options = {
        'model.class_names': options['model.class_names'],
        'test_dataloader.dataset.ann_file': ann,
        'test_dataloader.dataset.data_prefix.img': out,
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False
    }
    top1 = {}
    for config, config_options in (('bike_tiny_demo.py', options),
                                   ('bike_tiny_demo_rawframes.py',
                                    frame_options)):
        cfg = Config.fromfile(osp.join(DEMO_CONFIGS, config))
        cfg.merge_from_dict(config_options)
        cfg.work_dir = str(tmp_path / config)
        cfg.load_from = trained_demo
        top1[config] = Runner.from_cfg(cfg).test()['acc/top1']
    assert abs(top1['bike_tiny_demo.py'] -
               top1['bike_tiny_demo_rawframes.py']) <= 0.05, top1


@pytest.mark.e2e
def test_tool_errors_are_one_line(tmp_path):
    (tmp_path / 'empty').mkdir()
    ann = tmp_path / 'frames.txt'
    ann.write_text('empty 4 0\n')
    bad = run_tool('data/extract_frames.py', '--check', ann, tmp_path,
                   check=False)
    assert tool_error(bad) == (
        f'extract_frames.py: error: {ann}, line 1: empty frame folder '
        f'{tmp_path / "empty"}')
