"""VideoSegmentDataset reads "path start end label" lines and names bad
ones."""
import os.path as osp

import pytest

from bike_mm.datasets import VideoSegmentDataset


def test_segments_and_labels(tmp_path):
    ann = osp.join(tmp_path, 'segments.txt')
    with open(ann, 'w') as f:
        f.write('a.mp4 0.5 3.25 2\nb.mp4 10 20 0\n')
    dataset = VideoSegmentDataset(ann_file=ann, pipeline=[], num_classes=3,
                                  data_prefix=dict(video='v'))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(i['filename'], i['segment'], i['label']) for i in infos] == [
        (osp.join('v', 'a.mp4'), (0.5, 3.25), 2),
        (osp.join('v', 'b.mp4'), (10.0, 20.0), 0)
    ]


@pytest.mark.parametrize('line, message', [
    ('a.mp4 1.0 2.0', 'expected "path start end label"'),
    ('a.mp4 x 2.0 1', 'start and end must be seconds'),
    ('a.mp4 3.0 2.0 1', r'segment \[3.0, 2.0\] is empty'),
    ('a.mp4 1.0 2.0 7', 'label 7 is outside'),
])
def test_bad_segment_lines_name_file_and_line(tmp_path, line, message):
    ann = osp.join(tmp_path, 'segments.txt')
    with open(ann, 'w') as f:
        f.write(f'b.mp4 0.0 1.0 0\n{line}\n')
    with pytest.raises(ValueError, match=f'line 2: {message}'):
        VideoSegmentDataset(ann_file=ann, pipeline=[], num_classes=3)
