"""The CPU distributed patch of mmengine: guarded by version, can be turned
off, reversible."""
import os
import subprocess
import sys

import pytest
from mmengine.dist import utils as dist_utils
from mmengine.model import MMDistributedDataParallel

from bike_mm.engine import cpu_distributed as patch


@pytest.fixture
def restore():
    was = patch.cpu_distributed_enabled()
    yield
    patch.disable_cpu_distributed()
    if was:
        patch.enable_cpu_distributed()


def test_installed_on_import_and_reversible(restore):
    assert patch.cpu_distributed_enabled()
    assert MMDistributedDataParallel.__init__ is \
        patch._ddp_init_on_any_device
    patch.disable_cpu_distributed()
    assert dist_utils._init_dist_pytorch is patch._init_dist_pytorch
    assert MMDistributedDataParallel.__init__ is patch._ddp_init
    assert patch.enable_cpu_distributed('0.10.7')
    assert patch.cpu_distributed_enabled()


def test_other_mmengine_version_is_left_alone(restore):
    patch.disable_cpu_distributed()
    with pytest.warns(UserWarning, match='written for mmengine 0.10.x, '
                      'found 0.11.0'):
        assert not patch.enable_cpu_distributed('0.11.0')
    assert not patch.cpu_distributed_enabled()


def test_env_var_turns_it_off(restore, monkeypatch):
    patch.disable_cpu_distributed()
    monkeypatch.setenv('BIKE_MM_PATCH_CPU_DIST', '0')
    assert not patch.enable_cpu_distributed()
    assert not patch.cpu_distributed_enabled()


@pytest.mark.e2e
def test_env_var_at_import():
    code = ('import bike_mm; from bike_mm.engine import cpu_distributed as p;'
            'print(p.cpu_distributed_enabled())')
    env = {**os.environ, 'BIKE_MM_PATCH_CPU_DIST': '0'}
    out = subprocess.run([sys.executable, '-c', code], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == 'False'
