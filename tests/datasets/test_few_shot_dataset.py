"""FewShotDataset: K videos per class drawn by seed, epoch length kept."""
import os.path as osp

import pytest
from mmaction.registry import DATASETS


@pytest.fixture(scope='module')
def demo_train_set(demo_data):
    return dict(type='CheckedVideoDataset',
                ann_file=osp.join(demo_data, 'train.txt'),
                data_prefix=dict(video=osp.join(demo_data, 'videos')),
                pipeline=[])


def test_few_shot_dataset(demo_train_set):
    full = DATASETS.build(demo_train_set)
    few = DATASETS.build(
        dict(type='FewShotDataset', shots=3, seed=1, dataset=demo_train_set))
    assert len(few) == len(full) == 128  # the epoch length is kept
    files = [few.get_data_info(i)['filename'] for i in range(len(few))]
    # 3 x 8 videos, each 128 // 24 = 5 or 6 times an epoch
    assert sorted(set(files)) == sorted(
        full.get_data_info(i)['filename'] for i in few.selected)
    assert len(set(files)) == 24
    assert {files.count(f) for f in files} == {5, 6}
    for label in range(8):
        assert sum(
            full.get_data_info(i)['label'] == label for i in few.selected) == 3
    same = DATASETS.build(
        dict(type='FewShotDataset', shots=3, seed=1, dataset=demo_train_set))
    other = DATASETS.build(
        dict(type='FewShotDataset', shots=3, seed=2, dataset=demo_train_set))
    assert same.selected == few.selected
    assert other.selected != few.selected
    assert few[5]['filename'] == full[few.selected[5]]['filename']


def test_few_shot_dataset_errors(demo_train_set):
    with pytest.raises(ValueError, match='fewer than shots=17'):
        DATASETS.build(
            dict(type='FewShotDataset', shots=17, dataset=demo_train_set))
