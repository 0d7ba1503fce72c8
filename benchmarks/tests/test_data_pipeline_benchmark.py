"""benchmarks/data_pipeline.py: a run on a demo video and the one
line a bad input gets."""
import os.path as osp

import pytest


def demo_video(demo_dir: str) -> str:
    with open(osp.join(demo_dir, 'train.txt')) as f:
        return osp.join(demo_dir, 'videos', f.readline().split()[0])


@pytest.mark.e2e
def test_bike_mm_rows_without_a_checkout(run_benchmark, demo_data, tmp_path):
    video = demo_video(demo_data)
    result = run_benchmark('data_pipeline.py', '--video', video,
                           '--work-dir', tmp_path, '--repeats', '1')
    rows = [line for line in result.stdout.splitlines()
            if line.startswith(f'| {osp.basename(video)}')]
    assert [row.split(' | ')[1:3] for row in rows] == [
        ['bike_mm', 'config'], ['bike_mm', 'decord threads 0'],
        ['bike_mm', 'config']]
    assert all(float(row.split(' | ')[5]) > 0 for row in rows)  # clips/s


def test_bad_inputs_are_one_line(run_benchmark, demo_data, tmp_path):
    result = run_benchmark('data_pipeline.py', '--video',
                           demo_video(demo_data), '--work-dir',
                           tmp_path / 'work', '--released', tmp_path,
                           check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f'data_pipeline.py: error: {tmp_path} is not a checkout of the '
        'released BIKE code: it has no datasets/video.py')
    missing = tmp_path / 'missing.mp4'
    result = run_benchmark('data_pipeline.py', '--video', missing,
                           '--work-dir', tmp_path / 'work', check=False)
    assert result.stderr.strip().splitlines()[-1] == (
        f'data_pipeline.py: error: {missing}: video not found')
    assert not (tmp_path / 'work').exists()
