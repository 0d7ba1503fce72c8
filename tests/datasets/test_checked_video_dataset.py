"""CheckedVideoDataset build-time checks and corrupt videos."""
import os.path as osp
import shutil

import pytest
from mmaction.registry import DATASETS

from bike_mm.structures import gt_label

PIPELINE = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=4, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]


def build(ann_file, **kwargs):
    return DATASETS.build(
        dict(type='CheckedVideoDataset', ann_file=str(ann_file),
             pipeline=PIPELINE, **kwargs))


@pytest.fixture
def small_set(demo_data, tmp_path):
    """Two good demo videos and one corrupt one, with their annotation."""
    videos = tmp_path / 'videos'
    videos.mkdir()
    for name in ('class0_00.mp4', 'class1_00.mp4'):
        shutil.copy(osp.join(demo_data, 'videos', 'train', name), videos)
    (videos / 'broken.mp4').write_bytes(b'\x00not a video' * 100)
    ann = tmp_path / 'ann.txt'
    ann.write_text('class0_00.mp4 0\nclass1_00.mp4 1\nbroken.mp4 1\n')
    return ann, videos


def test_reads_demo_split_with_label_file(demo_data):
    dataset = build(
        osp.join(demo_data, 'test.txt'),
        data_prefix=dict(video=osp.join(demo_data, 'videos')),
        label_file=osp.join(demo_data, 'labels.txt'),
        num_classes=8)
    assert len(dataset) == 48
    assert dataset.metainfo['classes'][0] == 'a red ball bouncing up and down'
    sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (4, 3, 96, 128)
    assert gt_label(sample['data_samples']).item() == 0


@pytest.mark.parametrize('content, message', [
    ('', 'Annotation file is empty'),
    ('a.mp4 0\nb.mp4 9\n', r'ann.txt, line 2: label 9 is outside \[0, 8\)'),
    ('a.mp4 x\n', r'ann.txt, line 1: label is not an integer'),
    ('a.mp4 1 2\n', r'ann.txt, line 1: expected "path label"'),
])
def test_bad_annotation_names_file_and_line(tmp_path, content, message):
    ann = tmp_path / 'ann.txt'
    ann.write_text(content)
    with pytest.raises(ValueError, match=message):
        build(ann, num_classes=8)


def test_missing_annotation_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothere.txt'):
        build(tmp_path / 'nothere.txt')


def test_label_file_disagreeing_with_num_classes(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 0\n')
    labels = tmp_path / 'labels.txt'
    labels.write_text('one\ntwo\n')
    with pytest.raises(ValueError, match='labels.txt has 2 classes but '
                       'num_classes is 3'):
        build(ann, label_file=str(labels), num_classes=3)


def test_corrupt_video_is_fatal_by_default(small_set):
    ann, videos = small_set
    dataset = build(ann, data_prefix=dict(video=str(videos)))
    dataset[0]
    with pytest.raises(RuntimeError, match='broken.mp4'):
        dataset[2]


def test_missing_video_is_fatal_naming_it(small_set):
    ann, videos = small_set
    ann.write_text('gone.mp4 0\n')
    with pytest.raises(RuntimeError, match='gone.mp4'):
        build(ann, data_prefix=dict(video=str(videos)))[0]


def test_skip_corrupt_replaces_and_counts(small_set, caplog):
    ann, videos = small_set
    dataset = build(ann, data_prefix=dict(video=str(videos)),
                    skip_corrupt=True)
    sample = dataset[2]
    assert gt_label(sample['data_samples']).item() in (0, 1)
    assert dataset.num_skipped >= 1
    # at test time nothing is silently replaced
    test_set = build(ann, data_prefix=dict(video=str(videos)),
                     skip_corrupt=True, test_mode=True)
    with pytest.raises(RuntimeError, match='broken.mp4'):
        test_set[2]


def test_annotation_with_bom_reads_the_first_path(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_bytes('\ufeffa.mp4 0\nb.mp4 1\n'.encode('utf-8'))
    dataset = build(ann, num_classes=2, data_prefix=dict(video='v'))
    assert [dataset.get_data_info(i)['filename'] for i in range(2)] == [
        osp.join('v', 'a.mp4'), osp.join('v', 'b.mp4')
    ]


def test_latin1_annotation_names_file_and_line(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_bytes('a.mp4 0\ncafé.mp4 1\n'.encode('latin-1'))
    with pytest.raises(ValueError, match=f'{ann}, line 2: not UTF-8 text'):
        build(ann, num_classes=2)
