"""The training-pipeline benchmark next to the released code: bike_mm's
rows measured on a demo video and its frame folder, the table's ratios,
and the released rows when a checkout is given (BIKE_RELEASED)."""
import os
import os.path as osp

import decord
import pytest

from bike_bench.data_pipeline import (
    config_pipelines,
    format_loader_rates,
    format_results,
    run,
)
from tests.helpers import REPO_ROOT

RELEASED = os.environ.get('BIKE_RELEASED')
DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'bike_tiny_demo.py')
BIKE_CONFIG = osp.join(REPO_ROOT, 'configs', 'bike',
                       'bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py')
STAGES = ('decode_s', 'augment_s', 'total_s', 'cpu_s')


def demo_video(demo_dir: str) -> str:
    with open(osp.join(demo_dir, 'train.txt')) as f:
        return osp.join(demo_dir, 'videos', f.readline().split()[0])


def test_the_zoo_configs_pipelines_are_measured():
    video, frames, cv2_threads = config_pipelines(BIKE_CONFIG)
    assert video[0] == dict(type='DecordInit', num_threads=1)
    assert [s['type'] for s in frames[:2]] == ['ReleasedUniformSample',
                                               'RawFrameDecode']
    # the same sampling and spatial steps on both sources
    assert video[2:3] + video[4:] == frames[:1] + frames[2:]
    assert cv2_threads == 0


def test_bike_mm_rows_on_a_video_and_its_frames(demo_data, tmp_path):
    video = demo_video(demo_data)
    name = osp.basename(video)
    results, rates = run([video], str(tmp_path), BIKE_CONFIG, repeats=2)
    assert rates == {}
    assert list(results) == [(name, 'bike_mm', 'config'),
                             (name, 'bike_mm', 'decord threads 0'),
                             (f'{name} frames', 'bike_mm', 'config')]
    for row in results.values():
        assert all(row[key] > 0 for key in STAGES), row
        assert row['total_s'] >= row['decode_s']
    frame_dir = tmp_path / (osp.splitext(name)[0] + '_frames')
    assert len(os.listdir(frame_dir)) == len(decord.VideoReader(video))
    table = format_results(results).splitlines()
    assert len(table) == 2 + 3 and table[2].startswith(
        f'| {name} | bike_mm | config | ')
    assert table[2].endswith('|  |  |')  # no released row: no ratio


def test_ratios_are_to_the_released_row_of_the_same_source():
    def row(total, cpu):
        return dict(decode_s=total / 2, augment_s=total / 2,
                    total_s=total, cpu_s=cpu)
    results = {
        ('a.mp4', 'bike_mm', 'config'): row(0.02, 0.05),
        ('a.mp4', 'released', 'released'): row(0.05, 0.06),
        ('a.mp4 frames', 'bike_mm', 'config'): row(0.01, 0.01),
        ('a.mp4 frames', 'released', 'released'): row(0.04, 0.03),
    }
    lines = format_results(results).splitlines()
    assert lines[2] == ('| a.mp4 | bike_mm | config | 10.0 | 10.0 | 50.00 '
                        '| 50 | 2.50x | 1.20x |')
    assert lines[3].endswith('| 1.00x | 1.00x |')
    assert lines[4] == ('| a.mp4 frames | bike_mm | config | 5.0 | 5.0 | '
                        '100.00 | 10 | 4.00x | 3.00x |')


def test_dataloaders_with_the_configs_workers(demo_data, tmp_path):
    video = demo_video(demo_data)
    name = osp.basename(video)
    _, rates = run([video], str(tmp_path), DEMO_CONFIG, repeats=1,
                   loader_clips=16)
    # the demo config's 2 workers, batches of 4
    assert list(rates) == [(name, 'bike_mm', 'DataLoader, 2 workers'),
                           (f'{name} frames', 'bike_mm',
                            'DataLoader, 2 workers')]
    assert all(rate > 0 for rate in rates.values())
    rates[(name, 'released', 'DataLoader, 4 workers')] = rates[
        (name, 'bike_mm', 'DataLoader, 2 workers')] / 2
    lines = format_loader_rates(rates).splitlines()
    assert lines[2].endswith(' | 2.00x |')
    assert lines[3].endswith(' |  |')  # frames: no released rate


def test_a_folder_without_the_released_code_is_refused(demo_data,
                                                       tmp_path):
    with pytest.raises(FileNotFoundError,
                       match='is not a checkout of the released BIKE code: '
                       'it has no datasets/video.py'):
        run([demo_video(demo_data)], str(tmp_path / 'work'), DEMO_CONFIG,
            str(tmp_path))
    assert not (tmp_path / 'work').exists()


@pytest.mark.skipif(RELEASED is None,
                    reason='set BIKE_RELEASED to a checkout of '
                    'github.com/whwu95/BIKE (with pandas importable)')
def test_released_rows(demo_data, tmp_path):
    video = demo_video(demo_data)
    name = osp.basename(video)
    results, rates = run([video], str(tmp_path), DEMO_CONFIG, RELEASED,
                         repeats=2, loader_clips=8)
    for source in (name, f'{name} frames'):
        released = results[(source, 'released', 'released')]
        assert all(released[key] > 0 for key in STAGES), released
        assert rates[(source, 'released', 'DataLoader, 4 workers')] > 0
    assert len(format_results(results).splitlines()) == 2 + 5
