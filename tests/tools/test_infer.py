"""tools/infer.py on the demo model trained by tools/train.py."""
import os.path as osp

import matplotlib.image
import pytest

from tests.helpers import DEMO_CONFIG, demo_cfg_options, run_tool

pytestmark = pytest.mark.e2e


@pytest.fixture(scope='module')
def demo_checkpoint(demo_data, tmp_path_factory):
    """The demo model after 2 epochs of tools/train.py."""
    work_dir = str(tmp_path_factory.mktemp('infer_demo'))
    options = dict(demo_cfg_options(demo_data), **{
        'train_cfg.max_epochs': 2,
        'train_cfg.val_interval': 10
    })
    run_tool('train.py', DEMO_CONFIG, '--work-dir', work_dir,
             '--cfg-options', *[f'{k}={v}' for k, v in options.items()])
    return osp.join(work_dir, 'epoch_2.pth')


def test_cli_prints_top5_and_writes_saliency(demo_data, demo_checkpoint,
                                              tmp_path):
    picture = str(tmp_path / 'saliency.png')
    labels = osp.join(demo_data, 'labels.txt')
    result = run_tool(
        'infer.py', DEMO_CONFIG, demo_checkpoint,
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
