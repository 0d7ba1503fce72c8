"""End to end through the MMEngine runner: our tools, resume after an
interruption (mmaction's own tools: test_mmaction_tools.py)."""
import os.path as osp
import pickle
import re
import signal
import subprocess
import sys
import time

import pytest

from bike_mm.engine import load_checkpoint_file
from bike_mm.structures import gt_label, pred_score
from tests.helpers import (
    DEMO_CONFIG,
    REPO_ROOT,
    checkout_env,
    demo_cfg_options,
    run_tool,
)

pytestmark = pytest.mark.e2e


def cli_options(demo_dir, **extra):
    options = dict(demo_cfg_options(demo_dir), **extra)
    return ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]


def test_interrupted_training_resumes(demo_data, tmp_path):
    work_dir = str(tmp_path / 'work')
    args = [DEMO_CONFIG, '--work-dir', work_dir,
            *cli_options(demo_data, **{'train_cfg.max_epochs': 3,
                                       'train_cfg.val_interval': 10})]
    # interrupt the run hard as soon as it has written a checkpoint
    proc = subprocess.Popen(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'train.py'), *args],
        cwd=REPO_ROOT, env=checkout_env(), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    last = osp.join(work_dir, 'last_checkpoint')
    deadline = time.time() + 600  # generous: CI machines may be loaded
    while not osp.exists(last) and proc.poll() is None:
        assert time.time() < deadline, 'no checkpoint written'
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    interrupted_at = int(re.search(r'epoch_(\d+)\.pth', open(last).read())[1])
    assert interrupted_at < 3

    result = run_tool('train.py', *args, '--resume')
    log = result.stdout + result.stderr
    assert f'resumed epoch: {interrupted_at}, iter: {16 * interrupted_at}' \
        in log
    assert osp.exists(osp.join(work_dir, 'epoch_3.pth'))
    # checkpoints load through bike_mm's allow-list
    ckpt = load_checkpoint_file(osp.join(work_dir, 'epoch_3.pth'))
    assert ckpt['meta']['epoch'] == 3

    dump = tmp_path / 'results.pkl'
    test = run_tool('test.py', DEMO_CONFIG, osp.join(work_dir, 'epoch_3.pth'),
                    '--work-dir', tmp_path / 'test', '--dump', dump,
                    *cli_options(demo_data))
    last_line = test.stdout.strip().splitlines()[-1]
    assert last_line.startswith('acc/top1: ')
    # the printed accuracy is the one of the dumped per-video scores
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    assert len(results) == 48  # the demo test split: 8 classes x 6 videos
    top1 = sum(int(pred_score(r).argmax()) == int(gt_label(r))
               for r in results) / len(results)
    assert float(last_line.split()[1]) == pytest.approx(top1, abs=1e-4)

    # a checkpoint that does not match the config is an error naming keys
    mismatch = run_tool(
        'test.py', DEMO_CONFIG, osp.join(work_dir, 'epoch_3.pth'),
        '--work-dir', tmp_path / 'test2',
        *cli_options(demo_data, **{'model.cls_head.temporal_layers': 2}),
        check=False)
    assert mismatch.returncode != 0
    assert 'cls_head.temporal.transformer.resblocks.1.' in mismatch.stderr

