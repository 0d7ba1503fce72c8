"""tools/infer.py --window: a timeline of a long video."""
import csv
import json
import os.path as osp

import matplotlib.image
import numpy as np
import pytest

from tests.apis.test_long_video import demo_frames, write_lossless
from tests.helpers import (
    DEMO_CONFIG,
    demo_cfg_options,
    run_tool,
    tool_error,
    train_losses,
)

pytestmark = pytest.mark.e2e


def test_timeline_files_and_bad_window(demo_data, tmp_path):
    work_dir = str(tmp_path / 'work')
    train_losses(DEMO_CONFIG, demo_data, work_dir, epochs=1)
    checkpoint = osp.join(work_dir, 'epoch_1.pth')
    video = write_lossless(
        str(tmp_path / 'long.avi'),
        np.concatenate([demo_frames(demo_data, c) for c in (0, 3)]))
    options = ['--cfg-options'] + [
        f'{k}={v}' for k, v in demo_cfg_options(demo_data).items()]
    out = [str(tmp_path / f'timeline.{ext}') for ext in ('json', 'csv',
                                                          'png')]
    result = run_tool('infer.py', DEMO_CONFIG, checkpoint, video, '--window',
                      1.5, '--stride', 1, '--topk', 2, '--device', 'cpu',
                      '--timeline', *out, *options)
    lines = result.stdout.strip().splitlines()
    # 4 s: windows of 24 frames every 16, and one ending with the video
    assert '4 windows of ' + video + ':' in lines
    assert lines[-3:] == [f'Timeline: {f}' for f in out]
    written = json.load(open(out[0]))
    assert written['fps'] == 16 and written['num_frames'] == 64
    assert [(w['first_frame'], w['num_frames'])
            for w in written['windows']] == [(0, 24), (16, 24), (32, 24),
                                             (40, 24)]
    assert all(len(w['topk']) == 2 for w in written['windows'])
    rows = list(csv.DictReader(open(out[1])))
    assert len(rows) == 8 and rows[0]['start'] == '0.000'
    assert rows[0]['class'] == written['windows'][0]['topk'][0]['name']
    assert matplotlib.image.imread(out[2]).ndim == 3

    error = tool_error(run_tool('infer.py', DEMO_CONFIG, checkpoint, video,
                                '--window', 5, '--device', 'cpu', *options,
                                check=False))
    assert error == (f'infer.py: error: --window 5.0s (80 frames) is longer '
                     f'than {video} (4.00s, 64 frames at 16 fps)')
