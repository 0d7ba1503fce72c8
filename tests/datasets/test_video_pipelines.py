"""The one video pipeline of the configs, run on a demo video: frames,
input size and views as asked, with the released sampling and crops."""
import os.path as osp

import decord
import numpy as np
import pytest
from mmengine.dataset import Compose
from PIL import Image

from bike_mm.datasets import video_dataloaders, video_pipeline


def first_video(demo_dir):
    with open(osp.join(demo_dir, 'test.txt')) as f:
        name = f.readline().split()[0]
    return dict(filename=osp.join(demo_dir, 'videos', name), label=0,
                start_index=0, modality='RGB')


@pytest.mark.parametrize('views', [(1, 1), (4, 3), (2, 1)])
def test_test_views(demo_data, views):
    pipeline = video_pipeline(8, 64, views=views, short_side=72)
    out = Compose(pipeline)(first_video(demo_data))
    clips, crops = views
    assert out['inputs'].shape == (clips * crops * 8, 3, 64, 64)
    sample = out['data_samples']
    assert sample.metainfo['img_shape'] == (64, 64)
    steps = {step['type']: step for step in pipeline}
    assert steps['ReleasedUniformSample'] == dict(
        type='ReleasedUniformSample', clip_len=8, num_clips=clips,
        test_mode=True)
    assert steps['FullResCrop']['num_crops'] == crops


def test_training_pipeline(demo_data):
    np.random.seed(0)
    pipeline = video_pipeline(
        16, 64, train=True, short_side=72,
        augment_steps=[dict(type='Flip', flip_ratio=1.0)])
    assert pipeline[-3] == dict(type='Flip', flip_ratio=1.0)
    out = Compose(pipeline)(first_video(demo_data))
    assert out['inputs'].shape == (16, 3, 64, 64)


def test_released_short_sides():
    def short_side(size):
        steps = {s['type']: s for s in video_pipeline(8, size)}
        return steps['ShortSideResize']['short_side']
    assert (short_side(224), short_side(336)) == (256, 336)


def test_dataloader_overrides():
    train, val, test = video_dataloaders(16, 336, meta_keys=('img_shape', ))
    assert 'test_mode' not in train['dataset']
    assert val['dataset']['test_mode'] and test['dataset']['test_mode']
    sampling = [
        loader['dataset']['pipeline'][2] for loader in (train, val, test)
    ]
    assert [(s['clip_len'], s.get('num_clips', 1)) for s in sampling] == [
        (16, 1), (16, 1), (16, 4)
    ]
    assert test['dataset']['pipeline'][-1]['meta_keys'] == ('img_shape', )


def test_rawframe_pipeline_reads_the_same_frames(demo_data, tmp_path):
    """Frame folders (``img_00001.jpg``, ...) go through the same sampling
    and crops as the video they were extracted from."""
    video = first_video(demo_data)
    reader = decord.VideoReader(video['filename'])
    frames = reader.get_batch(list(range(len(reader)))).asnumpy()
    for i, frame in enumerate(frames):
        Image.fromarray(frame).save(tmp_path / f'img_{i + 1:05d}.png')
    rawframe = dict(frame_dir=str(tmp_path), total_frames=len(frames),
                    filename_tmpl='img_{:05d}.png', label=0, start_index=1,
                    modality='RGB')
    pipeline = video_pipeline(8, 64, views=(4, 3), short_side=72,
                              frames='rawframes')
    assert [step['type'] for step in pipeline][:2] == [
        'ReleasedUniformSample', 'RawFrameDecode']
    from_frames = Compose(pipeline)(rawframe)['inputs']
    from_video = Compose(video_pipeline(8, 64, views=(4, 3),
                                        short_side=72))(video)['inputs']
    # lossless frames: the same pixels
    np.testing.assert_array_equal(from_frames.numpy(), from_video.numpy())
    with pytest.raises(ValueError, match="frames must be 'video' or"):
        video_pipeline(8, 64, frames='images')


def test_decord_threads_change_no_frame(demo_data):
    """The configs' one decoding thread per reader and decord's automatic
    threads give the same frames of the same sampled indices."""
    video = first_video(demo_data)
    pipelines = [video_pipeline(8, 64, views=(2, 1), short_side=72,
                                decord_threads=threads)
                 for threads in (1, 0)]
    assert [p[0] for p in pipelines] == [
        dict(type='DecordInit', num_threads=1),
        dict(type='DecordInit', num_threads=0)]
    one, auto = (Compose(p)(dict(video)) for p in pipelines)
    np.testing.assert_array_equal(one['inputs'].numpy(),
                                  auto['inputs'].numpy())
    assert one['inputs'].shape == (16, 3, 64, 64)
