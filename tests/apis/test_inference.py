"""Single-video inference API: views, open vocabulary, saliency picture,
and the errors for bad input (on the untrained demo model: the API's
arithmetic does not need a trained one; tests/tools/test_infer.py runs the
command line on a trained one)."""
import json
import os.path as osp

import cv2
import matplotlib.image
import numpy as np
import pytest
import torch
from mmengine.config import Config

from bike_mm.apis import (
    inference_recognizer,
    init_recognizer,
    pipeline_with_views,
)
from bike_mm.visualization import plot_temporal_saliency
from tests.helpers import DEMO_CONFIG, REPO_ROOT, demo_cfg_options


@pytest.fixture(scope='module')
def model(demo_data):
    torch.manual_seed(0)
    return init_recognizer(DEMO_CONFIG, None, 'cpu',
                           cfg_options=demo_cfg_options(demo_data))


def video_of(demo_data, name='class2_00.mp4'):
    return osp.join(demo_data, 'videos', 'test', name)


def test_api_views_and_open_vocabulary(model, demo_data):
    video = video_of(demo_data)
    single = inference_recognizer(model, video)
    again = inference_recognizer(model, video, views='1x1')
    assert torch.equal(single.scores, again.scores)
    assert len(single.topk) == 5 and len(single.scores) == 8
    assert single.scores.sum().item() == pytest.approx(1.0, abs=1e-5)
    assert single.topk[0][1] == pytest.approx(single.scores.max().item())
    assert single.frames.shape == (8, 64, 64, 3)
    assert single.frames.dtype == torch.uint8
    assert single.saliency is None

    multi = inference_recognizer(model, video, views='4x3', topk=3)
    assert len(multi.topk) == 3
    assert not torch.allclose(multi.scores, single.scores)

    # open vocabulary: new class names, same weights, no retraining
    names = model.class_names
    try:
        model.set_classes(['a purple cross', 'a red ball', 'a spinning fan'])
        custom = inference_recognizer(model, video, topk=5)
    finally:
        model.set_classes(names)
    assert len(custom.topk) == 3  # k is capped by the number of classes
    assert {n for n, _ in custom.topk} == \
        {'a purple cross', 'a red ball', 'a spinning fan'}


def test_saliency_values_and_picture(model, demo_data, tmp_path):
    result = inference_recognizer(
        model, video_of(demo_data), topk=3, with_saliency=True)
    assert result.saliency.shape == (3, 8)
    torch.testing.assert_close(result.saliency.sum(1), torch.ones(3))
    names = [name for name, _ in result.topk]
    picture = str(tmp_path / 'three.png')
    figure = plot_temporal_saliency(
        result.frames.numpy(), result.saliency.numpy(), names, picture,
        scores=[score for _, score in result.topk],
        attribute_sentence='This is a video about red, ball, bouncing')
    assert list(figure.values) == names
    for name, row in zip(names, result.saliency):
        np.testing.assert_allclose(figure.values[name].sum(), 1.0, atol=1e-6)
        np.testing.assert_allclose(figure.values[name], row.numpy())
    width, height = figure.size
    assert matplotlib.image.imread(picture).shape == (height, width, 4)


def test_saliency_needs_concept_spotting(demo_data):
    options = dict(demo_cfg_options(demo_data),
                   **{'model.cls_head.aggregation': 'mean'})
    mean_model = init_recognizer(DEMO_CONFIG, None, 'cpu',
                                 cfg_options=options)
    with pytest.raises(ValueError, match='no temporal saliency'):
        inference_recognizer(mean_model, video_of(demo_data),
                             with_saliency=True)


def test_attribute_sentence_of_attributes_branch(demo_data, tmp_path):
    video = video_of(demo_data)
    attribute_file = str(tmp_path / 'attributes.json')
    with open(attribute_file, 'w') as f:  # the released attribute format
        json.dump({'test/class2_00.mp4': {'classname_topk': [
            'green triangle', 'spinning', 'dark background']}}, f)
    options = demo_cfg_options(demo_data)
    options['test_dataloader.dataset.pipeline.0.attribute_file'] = \
        attribute_file
    config = osp.join(REPO_ROOT, 'configs', 'demo',
                      'bike_tiny_demo_attributes.py')
    model = init_recognizer(config, None, 'cpu', cfg_options=options)
    result = inference_recognizer(model, video, with_saliency=True)
    assert result.attribute_sentence == \
        'This is a video about green triangle, spinning, dark background'
    assert result.saliency.shape == (5, 8)


def test_pipeline_with_views():
    pipeline = Config.fromfile(DEMO_CONFIG).test_dataloader.dataset.pipeline
    multi = pipeline_with_views(pipeline, '4x3')
    types = [step['type'] for step in multi]
    assert multi[types.index('ReleasedUniformSample')]['num_clips'] == 4
    assert multi[types.index('FullResCrop')] == dict(
        type='FullResCrop', crop_size=64, num_crops=3)
    single = pipeline_with_views(multi, '1x1')
    assert single[types.index('FullResCrop')]['num_crops'] == 1
    assert pipeline[types.index('ReleasedUniformSample')]['num_clips'] == 1
    # mmaction's steps: ThreeCrop of frames resized to the crop size
    mmaction = [
        dict(type='UniformSample', clip_len=8, num_clips=1, test_mode=True),
        dict(type='Resize', scale=(-1, 72)),
        dict(type='CenterCrop', crop_size=64)
    ]
    multi = pipeline_with_views(mmaction, '4x3')
    assert multi[0]['num_clips'] == 4
    assert multi[1:] == [
        dict(type='Resize', scale=(-1, 64)),
        dict(type='ThreeCrop', crop_size=64)
    ]
    for bad in ('2x2', '4', '0x1', 'ax3'):
        with pytest.raises(ValueError, match='views must be'):
            pipeline_with_views(pipeline, bad)


def test_bad_videos_are_named(model, tmp_path):
    missing = str(tmp_path / 'missing.mp4')
    with pytest.raises(FileNotFoundError, match=missing):
        inference_recognizer(model, missing)
    text = str(tmp_path / 'text.mp4')
    with open(text, 'w') as f:
        f.write('not a video')
    empty = str(tmp_path / 'empty.mp4')
    cv2.VideoWriter(empty, cv2.VideoWriter_fourcc(*'mp4v'), 25,
                    (64, 64)).release()  # a container without frames
    for bad in (text, empty):
        with pytest.raises(ValueError, match=f'Cannot read video {bad}'):
            inference_recognizer(model, bad)


def test_bad_labels_are_named(demo_data, tmp_path):
    empty = str(tmp_path / 'labels.txt')
    open(empty, 'w').close()
    options = demo_cfg_options(demo_data)
    with pytest.raises(ValueError, match=f'Label file is empty: {empty}'):
        init_recognizer(DEMO_CONFIG, None, 'cpu', empty, options)
    with pytest.raises(ValueError, match='empty class name list'):
        init_recognizer(DEMO_CONFIG, None, 'cpu', [], options)
