"""The class-name files made from the released label lists."""
import os.path as osp

import pytest

from bike_mm.datasets import load_class_names
from bike_mm.datasets.released_label_lists import (
    read_charades_classes,
    readable_ucf_name,
    write_label_files,
)
from tests.helpers import REPO_ROOT

RELEASED_LISTS = osp.join(REPO_ROOT, '..', 'shared', 'data', 'labels')


def test_ucf_names_are_split_into_words():
    assert readable_ucf_name('ApplyEyeMakeup') == 'Apply Eye Makeup'
    assert readable_ucf_name('YoYo') == 'Yo-Yo'
    assert readable_ucf_name('PlayingDaf') == 'Playing Daf'


def test_charades_ids_are_checked(tmp_path):
    path = tmp_path / 'classes.txt'
    path.write_text('c000 Holding some clothes\nc001 Putting clothes away\n')
    assert read_charades_classes(str(path)) == [
        'Holding some clothes', 'Putting clothes away']
    path.write_text('c000 Holding some clothes\nc002 Putting clothes away\n')
    with pytest.raises(ValueError, match='classes.txt, line 2: expected '
                       '"c001 name"'):
        read_charades_classes(str(path))


@pytest.mark.skipif(not osp.isdir(RELEASED_LISTS),
                    reason='the released label lists are not beside the '
                    'repository')
def test_written_files_are_the_configs_label_files(tmp_path):
    written = write_label_files(RELEASED_LISTS, str(tmp_path))
    assert written['kinetics400'] == 400 and written['charades'] == 157
    for name in written:
        assert load_class_names(str(tmp_path / f'{name}.txt')) == \
            load_class_names(osp.join(REPO_ROOT, 'configs', '_base_',
                                      'labels', f'{name}.txt')), name
