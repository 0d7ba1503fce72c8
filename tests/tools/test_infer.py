"""tools/infer.py on the demo model trained by tools/train.py (the
``trained_demo`` fixture)."""
import os.path as osp

import matplotlib.image
import pytest

from tests.helpers import DEMO_CONFIG, run_tool

pytestmark = pytest.mark.e2e


def test_cli_prints_top5_and_writes_saliency(demo_data, trained_demo,
                                              tmp_path):
    picture = str(tmp_path / 'saliency.png')
    labels = osp.join(demo_data, 'labels.txt')
    result = run_tool(
        'infer.py', DEMO_CONFIG, trained_demo,
        osp.join(demo_data, 'videos', 'test', 'class2_00.mp4'), '--labels',
        labels, '--saliency', picture, '--device', 'cpu')
    lines = result.stdout.strip().splitlines()
    header = [i for i, line in enumerate(lines) if line.startswith('Top-5')]
    assert header and 'of 8 classes' in lines[header[0]]
    ranked = lines[header[0] + 1:header[0] + 6]
    names = open(labels).read().splitlines()
    scores = []
    for rank, line in enumerate(ranked, 1):
        number, score, name = line.split(maxsplit=2)
        assert number == f'{rank}.' and name in names
        scores.append(float(score))
    assert scores == sorted(scores, reverse=True)
    assert lines[-1] == f'Saliency picture: {picture}'
    assert matplotlib.image.imread(picture).shape[:2] == (460, 1120)
