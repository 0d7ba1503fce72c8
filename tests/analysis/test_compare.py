"""bike_mm.analysis.compare: the comparison table of MMEngine work dirs,
for work dirs made by mmaction's own tools from plain mmaction configs and
by ours from BIKE configs."""
import csv
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from bike_mm.analysis import (
    WorkDirError,
    compare,
    format_markdown,
    frames_and_views,
    plot,
    read_work_dir,
    warnings,
    write_csv,
)
from tests.helpers import (
    REPO_ROOT,
    demo_cfg_options,
    mmaction_tools,
    run_tool,
    tool_error,
)

MMACTION_TRAIN = osp.join(mmaction_tools(), 'train.py')


def test_frames_and_views_of_the_usual_pipelines():
    bike_4x3 = [dict(type='UniformSample', clip_len=8, num_clips=4),
                dict(type='ThreeCrop', crop_size=64)]
    assert frames_and_views(bike_4x3, 'NCHW') == (8, 4, 3)
    # TSN: 8 segments of one frame make one view
    tsn = [dict(type='SampleFrames', clip_len=1, num_clips=8),
           dict(type='CenterCrop', crop_size=64)]
    assert frames_and_views(tsn, 'NCHW') == (8, 1, 1)
    # 3D: num_clips clips of clip_len frames, ten crops each
    i3d = [dict(type='SampleFrames', clip_len=32, num_clips=10),
           dict(type='TenCrop', crop_size=224)]
    assert frames_and_views(i3d, 'NCTHW') == (32, 10, 10)
    assert frames_and_views([dict(type='DecordInit')], 'NCHW') is None


def test_warnings_name_the_differing_rows():
    row = dict(work_dir='a', views=(8, 1, 1), test_ann_file='test.txt',
               evaluated='test', note='')
    same = [row, dict(row, work_dir='b')]
    assert warnings(same) == []
    other = [row, dict(row, work_dir='b', views=(8, 4, 3),
                       test_ann_file='val.txt', note='no sample: gone')]
    found = warnings(other)
    assert len(found) == 3
    assert 'different views' in found[0] and 'b: (8, 4, 3)' in found[0]
    assert 'different annotation files' in found[1] and 'val.txt' in found[1]
    assert found[2] == 'NOTE: b: FLOPs not counted (no sample: gone)'


def test_work_dir_without_runs_is_one_clear_error(tmp_path):
    with pytest.raises(WorkDirError, match='no run with metrics'):
        read_work_dir(str(tmp_path))
    with pytest.raises(WorkDirError, match='not a folder'):
        read_work_dir(str(tmp_path / 'missing'))


def small_split(demo_dir, tmp_path, split, every):
    """Every ``every``-th line of a demo split (all classes), to keep the
    runs short."""
    with open(osp.join(demo_dir, f'{split}.txt')) as f:
        lines = f.readlines()[::every]
    path = str(tmp_path / f'{split}_small.txt')
    with open(path, 'w') as f:
        f.writelines(lines)
    return path


def one_epoch_options(demo_dir, tmp_path):
    """Short runs of any demo config: 1 epoch on 16 training videos,
    validated and tested on 8."""
    options = {
        'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1,
        'default_hooks.checkpoint.interval': 1
    }
    for split, every in (('train', 8), ('val', 4), ('test', 6)):
        loader = f'{split}_dataloader.'
        options[loader + 'dataset.ann_file'] = small_split(
            demo_dir, tmp_path, split, every)
        options[loader + 'dataset.data_prefix.video'] = osp.join(
            demo_dir, 'videos')
        options[loader + 'num_workers'] = 0
        options[loader + 'persistent_workers'] = False
    return options


@pytest.fixture(scope='module')
def work_dirs(demo_data, tmp_path_factory):
    """A plain mmaction TSN trained by mmaction's own tools/train.py (no
    test run), and BIKE trained and tested with 4x3 views by our Runner."""
    tmp = tmp_path_factory.mktemp('compare')
    options = one_epoch_options(demo_data, tmp)
    tsn_dir = str(tmp / 'tsn')
    subprocess.run(
        [sys.executable, MMACTION_TRAIN,
         osp.join(REPO_ROOT, 'configs', 'demo', 'tsn_mobilenetv2_demo.py'),
         '--work-dir', tsn_dir, '--cfg-options'] +
        [f'{k}={v}' for k, v in options.items()],
        check=True, capture_output=True, cwd=str(tmp))
    bike_dir = str(tmp / 'bike')
    options.update({
        k: v
        for k, v in demo_cfg_options(demo_data).items() if 'ann_file' not in
        k and 'workers' not in k
    })
    for config, method in (('bike_tiny_demo.py', 'train'),
                           ('bike_tiny_demo_4x3-views.py', 'test')):
        cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'demo', config))
        cfg.merge_from_dict(options)
        cfg.work_dir = bike_dir
        if method == 'test':
            cfg.load_from = osp.join(bike_dir, 'epoch_1.pth')
        getattr(Runner.from_cfg(cfg), method)()
    return tsn_dir, bike_dir


@pytest.mark.e2e
def test_compare_mmaction_and_bike_work_dirs(work_dirs, tmp_path):
    tsn_dir, bike_dir = work_dirs
    tsn, bike = compare([tsn_dir, bike_dir])
    assert tsn['model'] == 'Recognizer2D/MobileNetV2 + TSNHead'
    assert tsn['pretrain'] == 'none'
    assert tsn['evaluated'] == 'val'  # no test run
    assert tsn['frames_x_views'] == '8x1'
    assert 0 <= tsn['top1'] <= 1 and tsn['mean_class'] is not None
    assert 0.5 < tsn['params_M'] < 2
    assert tsn['GFLOPs_per_view'] == tsn['GFLOPs_per_video'] > 0
    assert tsn['train_time_s'] >= 0
    assert bike['model'] == 'BIKERecognizer/OpenCLIP(ViT-Tiny-16) + VCSHead'
    assert bike['evaluated'] == 'test'
    assert bike['frames_x_views'] == '8x12'  # 4 clips x 3 crops
    assert bike['GFLOPs_per_view'] == pytest.approx(
        bike['GFLOPs_per_video'] / 12)
    # the test run's metrics, not the validation's
    test_run = [r for r in read_work_dir(bike_dir) if r.is_test][-1]
    assert bike['top1'] == pytest.approx(test_run.metrics['acc/top1'])

    rows = [tsn, bike]
    found = warnings(rows)
    assert any('different views' in w for w in found)
    assert any('different annotation files' in w for w in found)
    table = format_markdown(rows)
    assert table.count('\n') == 3 and '| 8x12 |' in table
    csv_path, png_path = str(tmp_path / 't.csv'), str(tmp_path / 't.png')
    write_csv(rows, csv_path)
    with open(csv_path) as f:
        written = list(csv.DictReader(f))
    assert [r['work_dir'] for r in written] == ['tsn', 'bike']
    assert float(written[1]['top1']) == pytest.approx(bike['top1'])
    plot(rows, png_path)
    with open(png_path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


@pytest.mark.e2e
def test_compare_tool_prints_table_and_fails_in_one_line(work_dirs,
                                                         tmp_path):
    out = run_tool('analysis/compare_work_dirs.py', *work_dirs, '--markdown',
                   tmp_path / 't.md')
    assert '| tsn | Recognizer2D/MobileNetV2 + TSNHead |' in out.stdout
    assert 'WARNING: rows evaluated with different views' in out.stdout
    with open(tmp_path / 't.md') as f:
        written = f.read()
    assert written.startswith('| work_dir | model |')
    assert 'WARNING: rows evaluated with different views' in written
    bad = run_tool('analysis/compare_work_dirs.py', tmp_path / 'nothing',
                   check=False)
    assert tool_error(bad) == (
        f'compare_work_dirs.py: error: {tmp_path / "nothing"}: not a folder')
