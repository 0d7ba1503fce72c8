"""Multi-process training and testing through tools/dist_*.sh on CPU (gloo),
and tools/train.py's check of the AMP flag."""
import os.path as osp
import pickle

import pytest
import torch

from bike_mm.structures import gt_label, pred_score
from tests.helpers import (
    DEMO_CONFIG,
    demo_cfg_options,
    run_dist_script,
    run_tool,
)


def metrics_line(result) -> str:
    """The metrics line tools/test.py prints last (rank 0's when several
    processes write to stdout)."""
    lines = [line for line in result.stdout.splitlines()
             if line.startswith('acc/top1: ')]
    assert lines, result.stdout[-2000:]
    return lines[-1]


@pytest.mark.e2e
def test_dist_train_and_dist_test_on_cpu(demo_data, tmp_path):
    # 45 test videos: the 2-rank sampler pads one duplicate that the result
    # collection must drop again
    test_ann = tmp_path / 'test45.txt'
    lines = open(osp.join(demo_data, 'test.txt')).read().splitlines()
    test_ann.write_text('\n'.join(lines[:45]) + '\n')
    options = dict(
        demo_cfg_options(demo_data),
        **{'test_dataloader.dataset.ann_file': str(test_ann)})
    work_dir = tmp_path / 'train'

    train = run_dist_script(
        'dist_train.sh', DEMO_CONFIG, 2, '--work-dir', work_dir,
        options=dict(options, **{'train_cfg.max_epochs': 1,
                                 'train_cfg.val_begin': 2}))
    log = train.stdout + train.stderr
    assert 'Distributed training: True' in log
    # 128 videos at 8 per rank and 2 ranks: 8 iterations
    assert 'Epoch(train) [1][8/8]' in log
    checkpoint = str(work_dir / 'epoch_1.pth')
    assert osp.exists(checkpoint)

    dist_test = run_dist_script(
        'dist_test.sh', DEMO_CONFIG, checkpoint, 2,
        '--work-dir', tmp_path / 'dist_test', '--dump', tmp_path / 'dist.pkl',
        options=options)
    single_test = run_tool(
        'test.py', DEMO_CONFIG, checkpoint,
        '--work-dir', tmp_path / 'single_test',
        '--dump', tmp_path / 'single.pkl', '--cfg-options',
        *[f'{k}={v}' for k, v in options.items()])

    assert metrics_line(dist_test) == metrics_line(single_test)
    with open(tmp_path / 'dist.pkl', 'rb') as f:
        dist_results = pickle.load(f)
    with open(tmp_path / 'single.pkl', 'rb') as f:
        single_results = pickle.load(f)
    # every video once, in dataset order, with the same scores
    assert len(dist_results) == len(single_results) == 45
    for dist_result, single_result in zip(dist_results, single_results):
        assert torch.equal(gt_label(dist_result), gt_label(single_result))
        torch.testing.assert_close(
            pred_score(dist_result),
            pred_score(single_result),
            rtol=0, atol=1e-5)


@pytest.mark.e2e
def test_amp_flag_on_cpu_fails_clearly(tmp_path):
    result = run_tool(
        'train.py', DEMO_CONFIG, '--amp', '--work-dir', tmp_path,
        check=False, env=dict(CUDA_VISIBLE_DEVICES=''))
    assert result.returncode != 0
    assert '--amp needs an accelerator' in result.stderr
    assert not list(tmp_path.glob('*.pth'))
