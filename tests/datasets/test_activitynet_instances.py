"""ActivityNet annotations -> trimmed training segments, read back by
VideoSegmentDataset."""
import json
import os.path as osp

import pytest

from bike_mm.datasets import (
    VideoSegmentDataset,
    activitynet_instances,
    write_activitynet_instances,
)

CLASSES = ['Archery', 'Ballet', 'Cricket']


def annotation_file(tmp_path, database):
    path = osp.join(tmp_path, 'anet.json')
    with open(path, 'w') as f:
        json.dump(dict(version='VERSION 1.3', database=database), f)
    return path


def tiny_database():
    return {
        'abc': dict(subset='training', duration=60.0, annotations=[
            dict(segment=[1.5, 10.25], label='Ballet'),
            dict(segment=[20.0, 31.0], label='Ballet')
        ]),
        'def': dict(subset='validation', duration=30.0, annotations=[
            dict(segment=[0.0, 5.0], label='Archery')
        ]),
        'ghi': dict(subset='training', duration=12.0, annotations=[
            dict(segment=[-0.2, 12.0], label='Cricket')
        ]),
        'jkl': dict(subset='testing', duration=9.0, annotations=[]),
    }


def test_training_activities_in_file_order(tmp_path):
    path = annotation_file(tmp_path, tiny_database())
    assert activitynet_instances(path, CLASSES) == [
        ('v_abc.mp4', 1.5, 10.25, 1), ('v_abc.mp4', 20.0, 31.0, 1),
        ('v_ghi.mp4', 0.0, 12.0, 2)
    ]
    assert activitynet_instances(path, CLASSES, 'validation') == [
        ('v_def.mp4', 0.0, 5.0, 0)
    ]


def test_written_segments_load_as_a_dataset(tmp_path):
    labels = osp.join(tmp_path, 'labels.txt')
    with open(labels, 'w') as f:
        f.write('\n'.join(CLASSES) + '\n')
    out = osp.join(tmp_path, 'segments.txt')
    count = write_activitynet_instances(
        annotation_file(tmp_path, tiny_database()), labels, out)
    assert count == 3
    with open(out) as f:
        assert f.readline() == 'v_abc.mp4 1.50 10.25 1\n'
    dataset = VideoSegmentDataset(
        ann_file=out, pipeline=[], label_file=labels,
        data_prefix=dict(video='videos'))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(i['segment'], i['label']) for i in infos] == [
        ((1.5, 10.25), 1), ((20.0, 31.0), 1), ((0.0, 12.0), 2)
    ]
    assert infos[0]['filename'] == osp.join('videos', 'v_abc.mp4')


@pytest.mark.parametrize('database, message', [
    ({'abc': dict(subset='training', annotations=[
        dict(segment=[1, 2], label='Bowling')])}, "video abc: unknown label"),
    ({'abc': dict(subset='training', annotations=[
        dict(segment=[3, 2], label='Ballet')])}, 'video abc: empty segment'),
    ({'abc': dict(subset='validation', annotations=[])},
     'no annotated training videos'),
])
def test_bad_annotations_name_the_video(tmp_path, database, message):
    with pytest.raises(ValueError, match=message):
        activitynet_instances(annotation_file(tmp_path, database), CLASSES)
