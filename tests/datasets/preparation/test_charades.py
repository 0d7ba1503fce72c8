"""bike_mm.datasets.preparation.charades on a small CSV in the official
Charades_v1_{train,test}.csv format."""
import csv
import os

import pytest

from bike_mm.datasets.preparation import PreparationError
from bike_mm.datasets.preparation.charades import (
    convert_charades,
    read_charades_csv,
    segment_level_lines,
    video_level_lines,
)
from tests.helpers import run_tool, tool_error

HEADER = ('id,subject,scene,quality,relevance,verified,script,objects,'
          'descriptions,actions,length').split(',')
ROWS = [
    # a repeated class (c092 twice) and an action running past the end
    ('46GP8', 'c092 11.90 21.20;c147 0.00 12.60;c092 1.00 2.00', '20.00'),
    ('N11GT', 'c098 8.60 14.20;c075 0.00 11.70', '18.33'),
    ('EMPTY', '', '10.00'),  # no action: no video-level line
    ('ZERO0', 'c001 5.00 5.01', '9.00'),  # shorter than a frame at 24 fps
]


def write_csv(path, rows=ROWS, header=HEADER):
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for video_id, actions, length in rows:
            values = dict(id=video_id, actions=actions, length=length,
                          script='A person, "quoted", walks.\nTwo lines.')
            writer.writerow([values.get(c, 'x') for c in header])
    return str(path)


def test_read_and_video_level_lines(tmp_path):
    videos = read_charades_csv(write_csv(tmp_path / 'train.csv'))
    assert [v.video_id for v in videos] == ['46GP8', 'N11GT', 'EMPTY',
                                            'ZERO0']
    assert videos[0].actions[0] == (92, 11.9, 21.2)
    lines, skipped = video_level_lines(videos)
    assert lines == ['46GP8.mp4 92 147', 'N11GT.mp4 75 98', 'ZERO0.mp4 1']
    assert skipped == 1
    lines, _ = video_level_lines(videos, 'rawframes', fps=24)
    assert lines[:2] == ['46GP8 480 92 147', 'N11GT 439 75 98']


def test_segment_level_lines_are_the_released_setting(tmp_path):
    videos = read_charades_csv(write_csv(tmp_path / 'train.csv'))
    lines, skipped = segment_level_lines(videos, fps=24)
    # c092 11.90-21.20 clipped to the length 20.00: offset int(11.9 * 24)
    # = 285, int(20 * 24 - 11.9 * 24) = 194 frames
    assert lines == [
        '46GP8 285 194 92', '46GP8 0 302 147', '46GP8 24 24 92',
        'N11GT 206 134 98', 'N11GT 0 280 75'
    ]
    assert skipped == 1  # ZERO0's 0.01 s segment


def test_frame_counts_from_folders(tmp_path):
    videos = read_charades_csv(write_csv(tmp_path / 'test.csv', ROWS[:2]))
    for video_id, count in (('46GP8', 3), ('N11GT', 2)):
        os.makedirs(tmp_path / 'rgb' / video_id)
        for i in range(count):
            (tmp_path / 'rgb' / video_id / f'img_{i + 1:05d}.jpg').touch()
    lines, _ = video_level_lines(videos, 'rawframes',
                                 frames_root=str(tmp_path / 'rgb'))
    assert lines == ['46GP8 3 92 147', 'N11GT 2 75 98']
    for f in os.listdir(tmp_path / 'rgb' / 'N11GT'):
        os.remove(tmp_path / 'rgb' / 'N11GT' / f)
    with pytest.raises(PreparationError, match='N11GT: empty frame folder'):
        video_level_lines(videos, 'rawframes',
                          frames_root=str(tmp_path / 'rgb'))


@pytest.mark.parametrize('rows, header, message', [
    (ROWS, [c for c in HEADER if c != 'actions'],
     r'missing column\(s\) actions'),
    ([('A', 'c157 1.0 2.0', '5')], HEADER,
     r'line 2, field "actions": unknown class id c157'),
    ([('A', 'c001 1.0', '5')], HEADER,
     r'line 2, field "actions": expected "cNNN start end"'),
    ([('A', 'c001 1.0 2.0', 'long')], HEADER,
     r'line 2, field "length": not a number'),
])
def test_bad_csv_is_named(tmp_path, rows, header, message):
    path = write_csv(tmp_path / 'bad.csv', rows, header)
    with pytest.raises(PreparationError, match=message):
        read_charades_csv(path)


def test_convert_writes_the_file(tmp_path):
    out = str(tmp_path / 'segments.txt')
    counts = convert_charades(write_csv(tmp_path / 'train.csv'), out,
                              level='segment')
    assert counts == dict(lines=5, skipped=1)
    with open(out) as f:
        assert f.readline() == '46GP8 285 194 92\n'


@pytest.mark.e2e
def test_tool_errors_are_one_line(tmp_path):
    tool = 'data/charades_to_annotations.py'
    good = run_tool(tool, write_csv(tmp_path / 'test.csv'),
                    tmp_path / 'test.txt')
    assert good.stdout.strip() == (
        f'Wrote 3 lines to {tmp_path / "test.txt"} (1 videos without '
        'actions left out)')
    bad_csv = write_csv(tmp_path / 'bad.csv', [('A', 'c200 1 2', '5')])
    bad = run_tool(tool, bad_csv, tmp_path / 'out.txt', check=False)
    assert tool_error(bad) == (
        f'charades_to_annotations.py: error: {bad_csv}, line 2, field '
        '"actions": unknown class id c200 (Charades has c000..c156)')
