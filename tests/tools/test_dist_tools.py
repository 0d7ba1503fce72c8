"""Multi-process training and testing through tools/dist_*.sh on CPU (gloo),
and the options for big models: AMP and gradient checkpointing."""
import argparse
import os
import os.path as osp
import pickle
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.runner.amp import autocast

from bike_mm.structures import gt_label, pred_score, set_gt_label

from conftest import (DEMO_CONFIG, REPO_ROOT, demo_cfg_options, free_port,
                      tiny_bike_model)

TOOLS = osp.join(REPO_ROOT, 'tools')


def run_tool(args, options):
    """Run a tool with the venv's python first on PATH (the shell scripts
    call ``python``)."""
    env = dict(
        os.environ,
        PORT=str(free_port()),
        PATH=osp.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    cli = ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]
    result = subprocess.run([*args, *cli], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


def metrics_line(result) -> str:
    """The metrics line tools/test.py prints last (rank 0's when several
    processes write to stdout)."""
    lines = [line for line in result.stdout.splitlines()
             if line.startswith('acc/top1: ')]
    assert lines, result.stdout[-2000:]
    return lines[-1]


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

    train = run_tool([
        'bash', osp.join(TOOLS, 'dist_train.sh'), DEMO_CONFIG, '2',
        '--work-dir', str(work_dir)
    ], dict(options, **{'train_cfg.max_epochs': 1, 'train_cfg.val_begin': 2}))
    log = train.stdout + train.stderr
    assert 'Distributed training: True' in log
    # 128 videos at 8 per rank and 2 ranks: 8 iterations
    assert 'Epoch(train) [1][8/8]' in log
    checkpoint = str(work_dir / 'epoch_1.pth')
    assert osp.exists(checkpoint)

    dist_test = run_tool([
        'bash', osp.join(TOOLS, 'dist_test.sh'), DEMO_CONFIG, checkpoint, '2',
        '--work-dir', str(tmp_path / 'dist_test'),
        '--dump', str(tmp_path / 'dist.pkl')
    ], options)
    single_test = run_tool([
        sys.executable, osp.join(TOOLS, 'test.py'), DEMO_CONFIG, checkpoint,
        '--work-dir', str(tmp_path / 'single_test'),
        '--dump', str(tmp_path / 'single.pkl')
    ], options)

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


def test_amp_flag_on_cpu_fails_clearly():
    sys.path.insert(0, TOOLS)
    from train import merge_args
    args = argparse.Namespace(
        amp=True, work_dir=None, resume=None, auto_scale_lr=False,
        cfg_options=None, launcher='none', config=DEMO_CONFIG)
    with pytest.raises(ValueError, match='--amp needs an accelerator'):
        merge_args(Config.fromfile(DEMO_CONFIG), args)


def samples(labels):
    return [set_gt_label(ActionDataSample(), label) for label in labels]


def build_tiny_bike(**backbone) -> torch.nn.Module:
    torch.manual_seed(0)
    cfg = tiny_bike_model(temporal_layers=1)
    cfg['backbone'].update(backbone)
    return MODELS.build(cfg).train()


def test_bf16_autocast_loss_is_close_to_float32():
    """The head and loss run under the autocast context that AMP training
    uses (bf16 on CPU): finite, close to the float32 loss, with gradients."""
    model = build_tiny_bike()
    inputs = torch.randn(3, 4, 3, 64, 64)
    data = samples([0, 2, 0])
    full = model(inputs, data, mode='loss')['loss_cls']
    with autocast(device_type='cpu', dtype=torch.bfloat16):
        mixed = model(inputs, data, mode='loss')['loss_cls']
    assert mixed.dtype == torch.float32  # the softmax runs in float32
    torch.testing.assert_close(mixed, full, rtol=0.05, atol=0)
    mixed.backward()
    grad = model.backbone.clip.visual.conv1.weight.grad
    assert torch.isfinite(grad).all() and grad.abs().sum() > 0


def test_grad_checkpointing_gives_identical_loss_and_gradients():
    inputs = torch.randn(3, 4, 3, 64, 64)
    data = samples([0, 2, 0])
    results = []
    for checkpointing in (False, True):
        # a trainable text tower: checkpointing of both towers is exercised
        model = build_tiny_bike(
            grad_checkpointing=checkpointing, freeze_text=False)
        assert model.backbone.clip.visual.transformer.grad_checkpointing \
            == checkpointing
        assert model.backbone.clip.transformer.grad_checkpointing \
            == checkpointing
        loss = model(inputs, data, mode='loss')['loss_cls']
        loss.backward()
        results.append((loss.detach(), {
            name: param.grad
            for name, param in model.named_parameters() if param.requires_grad
        }))
    (loss, grads), (loss_ckpt, grads_ckpt) = results
    torch.testing.assert_close(loss_ckpt, loss, rtol=0, atol=1e-6)
    assert grads.keys() == grads_ckpt.keys()
    assert any(name.startswith('backbone.clip.transformer') for name in grads)
    for name, grad in grads.items():
        torch.testing.assert_close(
            grads_ckpt[name], grad, rtol=1e-5, atol=1e-7, msg=name)
