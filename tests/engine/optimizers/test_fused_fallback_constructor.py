"""FusedFallbackOptimWrapperConstructor: fused=True where torch has the
kernel, torch's default optimizer and one log line where it has not; the
zoo schedules build and step on the installed torch."""
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from bike_mm.engine.optimizers import fused_fallback_constructor
from bike_mm.utils.torch_compat import fused_kernel_available
from tests.helpers import REPO_ROOT

SCHEDULES = osp.join(REPO_ROOT, 'configs', '_base_', 'schedules')


class Model(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(3, 3)
        self.cls_head = nn.Linear(3, 2)


def optim_wrapper_cfg(**optimizer):
    return dict(
        constructor='FusedFallbackOptimWrapperConstructor',
        optimizer=dict(type='AdamW', lr=1e-3, fused=True, **optimizer),
        paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))


@pytest.fixture
def log(monkeypatch):
    lines = []
    monkeypatch.setattr(fused_fallback_constructor, 'print_log',
                        lambda line, **kwargs: lines.append(line))
    return lines


def test_without_a_kernel_the_default_optimizer_is_used_and_said(
        monkeypatch, log):
    monkeypatch.setattr(fused_fallback_constructor, 'fused_kernel_available',
                        lambda optimizer_class, device: False)
    optimizer = build_optim_wrapper(Model(), optim_wrapper_cfg()).optimizer
    assert type(optimizer) is torch.optim.AdamW
    assert not optimizer.defaults['fused']
    assert [group['lr'] for group in optimizer.param_groups] == \
        pytest.approx([1e-4, 1e-4, 1e-3, 1e-3])  # paramwise_cfg still holds
    assert log == [
        f'optim_wrapper.optimizer.fused=True: torch {torch.__version__} has '
        'no fused AdamW for cpu parameters; training with its default AdamW '
        'instead'
    ]


@pytest.mark.skipif(
    not fused_kernel_available(torch.optim.AdamW, 'cpu'),
    reason=f'torch {torch.__version__} has no fused AdamW for CPU')
def test_with_a_kernel_fused_stays(log):
    optimizer = build_optim_wrapper(Model(), optim_wrapper_cfg()).optimizer
    assert optimizer.defaults['fused'] is True
    assert log == []


def test_a_wrapped_optimizer_is_checked_by_its_optimizer_type(
        monkeypatch, log):
    asked = []
    monkeypatch.setattr(
        fused_fallback_constructor, 'fused_kernel_available',
        lambda optimizer_class, device: asked.append(optimizer_class))
    cfg = optim_wrapper_cfg()
    cfg['optimizer'] = dict(type='ShardedOptimizer', optimizer_type='AdamW',
                            lr=1e-3, fused=True)
    constructor = fused_fallback_constructor.\
        FusedFallbackOptimWrapperConstructor(cfg)
    constructor._drop_fused_without_kernel(Model())
    assert asked == [torch.optim.AdamW]
    assert 'fused' not in constructor.optimizer_cfg


@pytest.mark.parametrize('schedule', ['bike_adamw_cosine_30e.py',
                                      'xclip_adamw_cosine_30e.py'])
def test_zoo_schedules_train_on_this_torch(schedule, log):
    cfg = Config.fromfile(osp.join(SCHEDULES, schedule)).optim_wrapper
    model = Model()
    optim_wrapper = build_optim_wrapper(model, cfg)
    fused = fused_kernel_available(torch.optim.AdamW, 'cpu')
    assert bool(optim_wrapper.optimizer.defaults['fused']) is fused
    assert len(log) == (0 if fused else 1)
    before = model.cls_head.weight.detach().clone()
    loss = model.cls_head(model.backbone(torch.ones(2, 3))).sum()
    optim_wrapper.update_params(loss)
    assert not torch.equal(before, model.cls_head.weight)
