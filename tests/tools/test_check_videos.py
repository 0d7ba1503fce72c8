"""tools/check_videos.py lists the videos that cannot be decoded."""
import os.path as osp
import shutil

import pytest

from tests.helpers import run_tool, tool_error

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


def test_lines_are_read_as_the_dataset_reads_them(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 0\nb.mp4\t1\n')
    result = run_tool('check_videos.py', ann, check=False)
    assert result.returncode == 1
    assert tool_error(result) == (
        f'check_videos.py: error: {ann}, line 2: expected "path label", '
        "got 'b.mp4\\t1'")


def test_bad_annotation_file_is_one_line(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_bytes('café.mp4 0\n'.encode('latin-1'))
    result = run_tool('check_videos.py', ann, check=False)
    assert result.returncode == 1
    assert tool_error(result) == (
        f'check_videos.py: error: {ann}, line 1: not UTF-8 text (byte '
        '0xe9); save the annotation file as UTF-8')
    missing = tmp_path / 'none' / 'ann.txt'
    result = run_tool('check_videos.py', missing, check=False)
    assert tool_error(result) == (
        'check_videos.py: error: Annotation file folder not found: '
        f'{tmp_path / "none"} (for {missing})')
