"""tools/check_videos.py lists the videos that cannot be decoded."""
import os.path as osp
import shutil

import pytest

from tests.helpers import run_tool

pytestmark = pytest.mark.e2e


def test_check_tool_lists_bad_videos(demo_data, tmp_path):
    videos = tmp_path / 'videos'
    videos.mkdir()
    for name in ('class0_00.mp4', 'class1_00.mp4'):
        shutil.copy(osp.join(demo_data, 'videos', 'train', name), videos)
    (videos / 'broken.mp4').write_bytes(b'\x00not a video' * 100)
    ann = tmp_path / 'ann.txt'
    ann.write_text('class0_00.mp4 0\nclass1_00.mp4 1\nbroken.mp4 1\n'
                   'gone.mp4 0\n')
    out = tmp_path / 'bad.txt'
    result = run_tool('check_videos.py', ann, '--data-prefix', videos,
                      '--out', out, '--workers', 2, check=False)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f'line 3: {videos / "broken.mp4"}: ')
    assert lines[1] == f'line 4: {videos / "gone.mp4"}: file not found'
    assert lines[-1] == f'2 bad video(s) in {ann}'
    # the bad annotation lines, to filter the file with
    assert out.read_text() == 'broken.mp4 1\ngone.mp4 0\n'

    good = tmp_path / 'good.txt'
    good.write_text('class0_00.mp4 0\n')
    result = run_tool('check_videos.py', good, '--data-prefix', videos)
    assert result.stdout.strip().splitlines()[-1] == \
        f'0 bad video(s) in {good}'
