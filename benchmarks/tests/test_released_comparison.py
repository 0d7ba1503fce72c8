"""The side-by-side harness with several ranks, on the tiny demo model
(bike_mm's side only: the released code is not part of the repository):
DDP, ZeRO-1 and FSDP chosen by config options."""
import os.path as osp

import pytest

from bike_bench.released_comparison import compare
from bike_mm.utils.torch_compat import fully_shard_available
from tests.helpers import DEMO_CONFIG, REPO_ROOT

pytestmark = pytest.mark.e2e

ZERO = {
    'optim_wrapper.optimizer.type': 'ShardedOptimizer',
    'optim_wrapper.optimizer.optimizer_type': 'AdamW',
}


def measure_two_ranks(work_dir, options):
    return compare(
        None, str(work_dir), DEMO_CONFIG,
        osp.join(REPO_ROOT, 'configs', '_base_', 'schedules',
                 'bike_adamw_cosine_30e.py'),
        batch=1, frames=2, classes=4, steps=1, options=options, ranks=2,
        size=64, sides=('bike_mm', ))['bike_mm']


def test_zero_and_fsdp_split_the_state_over_two_ranks(tmp_path):
    ddp = measure_two_ranks(tmp_path / 'ddp', {})
    zero = measure_two_ranks(tmp_path / 'zero', ZERO)
    # FullyShardedModel needs fully_shard (a one-line error on older torch)
    fsdp = measure_two_ranks(
        tmp_path / 'fsdp', {'model_wrapper_cfg.type': 'FullyShardedModel',
                            'runner_type': 'ShardedRunner'}
    ) if fully_shard_available() else None
    for result in filter(None, (ddp, zero, fsdp)):
        assert result['ranks'] == len(result['per_rank']) == 2
        for key in ('setup_s', 'step_s', 'held_mib', 'params_mib',
                    'optimizer_state_mib'):
            assert result[key] > 0, key
        assert result['peak_mib'] >= 0
    # DDP: every rank holds all parameters and the AdamW state of all
    # (two moments and a step count each: a little over 2x the parameters)
    for rank in ddp['per_rank']:
        assert rank['params_mib'] == ddp['params_mib']
        assert 2 <= rank['optimizer_state_mib'] / rank['params_mib'] < 2.01
    # ZeRO-1: the state is split between the two ranks, no part twice
    shards = [rank['optimizer_state_mib'] for rank in zero['per_rank']]
    assert sum(shards) == pytest.approx(ddp['optimizer_state_mib'])
    assert max(shards) < 0.6 * ddp['optimizer_state_mib']
    assert zero['params_mib'] == ddp['params_mib']
    if fsdp is None:
        return
    # FSDP: parameters, and with them the AdamW state, split too (the
    # trainable 0-d logit_scale stays whole on every rank)
    for key in ('params_mib', 'optimizer_state_mib'):
        shards = [rank[key] for rank in fsdp['per_rank']]
        assert sum(shards) == pytest.approx(ddp[key], rel=1e-3)
        assert max(shards) < 0.51 * ddp[key]
