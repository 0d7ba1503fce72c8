"""End to end through the MMEngine runner: our tools, resume after an
interruption (mmaction's own tools: test_mmaction_tools.py)."""
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import torch

from conftest import DEMO_CONFIG, REPO_ROOT, demo_cfg_options


def cli_options(demo_dir, **extra):
    options = dict(demo_cfg_options(demo_dir), **extra)
    return ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]


def run(args, **kwargs):
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, **kwargs)


def test_interrupted_training_resumes(demo_data, tmp_path):
    work_dir = str(tmp_path / 'work')
    args = [osp.join(REPO_ROOT, 'tools', 'train.py'), DEMO_CONFIG,
            '--work-dir', work_dir,
            *cli_options(demo_data, **{'train_cfg.max_epochs': 6,
                                       'train_cfg.val_interval': 10})]
    # interrupt the run hard as soon as it has written a checkpoint
    proc = subprocess.Popen([sys.executable, *args], cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    last = osp.join(work_dir, 'last_checkpoint')
    deadline = time.time() + 120
    while not osp.exists(last) and proc.poll() is None:
        assert time.time() < deadline, 'no checkpoint written'
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    interrupted_at = int(re.search(r'epoch_(\d+)\.pth', open(last).read())[1])
    assert interrupted_at < 6

    result = run([*args, '--resume'], timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert f'resumed epoch: {interrupted_at}, iter: {16 * interrupted_at}' \
        in log
    assert osp.exists(osp.join(work_dir, 'epoch_6.pth'))
    # checkpoints load with weights_only=True (bike_mm's allow-list)
    ckpt = torch.load(osp.join(work_dir, 'epoch_6.pth'), weights_only=True)
    assert ckpt['meta']['epoch'] == 6

    test = run([osp.join(REPO_ROOT, 'tools', 'test.py'), DEMO_CONFIG,
                osp.join(work_dir, 'epoch_6.pth'), '--work-dir',
                str(tmp_path / 'test'), *cli_options(demo_data)],
               timeout=300)
    assert test.returncode == 0, test.stderr[-3000:]
    last_line = test.stdout.strip().splitlines()[-1]
    assert last_line.startswith('acc/top1: ')
    assert 0.0 <= float(last_line.split()[1]) <= 1.0

    # a checkpoint that does not match the config is an error naming keys
    mismatch = run([osp.join(REPO_ROOT, 'tools', 'test.py'), DEMO_CONFIG,
                    osp.join(work_dir, 'epoch_6.pth'), '--work-dir',
                    str(tmp_path / 'test2'),
                    *cli_options(demo_data,
                                 **{'model.cls_head.temporal_layers': 2})],
                   timeout=300)
    assert mismatch.returncode != 0
    assert 'cls_head.temporal.transformer.resblocks.1.' in mismatch.stderr

