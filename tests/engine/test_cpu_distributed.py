"""CPU multi-process runs without patches: the gloo group started before the
Runner, and DDP without device ids selected for it."""
import pytest
import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.registry import MODEL_WRAPPERS

from bike_mm.engine import (CPUDistributedDataParallel,
                            init_cpu_process_group, prepare_cpu_distributed)
from tests.helpers import free_port


@pytest.fixture
def torchrun_env(monkeypatch):
    """The variables torchrun sets, for a group of one process."""
    for name, value in dict(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0',
                            MASTER_ADDR='127.0.0.1',
                            MASTER_PORT=str(free_port())).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '')
    yield
    if torch_dist.is_initialized():
        torch_dist.destroy_process_group()


def test_other_launchers_are_left_to_mmengine():
    cfg = Config(dict(launcher='none'))
    assert not prepare_cpu_distributed(cfg)
    assert 'model_wrapper_cfg' not in cfg
    assert not init_cpu_process_group('slurm')
    assert not torch_dist.is_initialized()


def test_pytorch_launcher_starts_gloo_and_selects_the_cpu_wrapper(
        torchrun_env):
    cfg = Config(dict(launcher='pytorch', find_unused_parameters=True))
    assert prepare_cpu_distributed(cfg)
    assert torch_dist.get_backend() == 'gloo'
    assert cfg.model_wrapper_cfg == dict(
        type='CPUDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=True)
    # DDP options of the config stay; another wrapper is the config's choice
    ddp = Config(dict(launcher='pytorch', model_wrapper_cfg=dict(
        type='MMDistributedDataParallel', broadcast_buffers=True)))
    assert prepare_cpu_distributed(ddp)
    assert ddp.model_wrapper_cfg == dict(
        type='CPUDistributedDataParallel', broadcast_buffers=True)
    fsdp = Config(dict(launcher='pytorch',
                       model_wrapper_cfg=dict(type='FullyShardedModel')))
    assert prepare_cpu_distributed(fsdp)
    assert fsdp.model_wrapper_cfg == dict(type='FullyShardedModel')


def test_wrapper_takes_a_cpu_module_with_the_runners_device_ids(
        torchrun_env):
    assert init_cpu_process_group('pytorch')
    # the Runner gives every DDP wrapper device_ids=[LOCAL_RANK]
    wrapper = MODEL_WRAPPERS.build(
        dict(type='CPUDistributedDataParallel'),
        default_args=dict(module=torch.nn.Linear(2, 1), device_ids=[0]))
    assert isinstance(wrapper, CPUDistributedDataParallel)
    assert wrapper.device_ids is None
    assert wrapper(torch.ones(1, 2)).shape == (1, 1)
