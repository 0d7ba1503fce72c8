"""ShardedOptimizer: ZeRO-1 across gloo processes, checkpoints through the
Runner's tools."""
import os.path as osp

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmaction.registry import OPTIMIZERS

import bike_mm  # noqa: F401  (registers the components)
from tests.helpers import (
    DEMO_CONFIG,
    demo_cfg_options,
    leave_process_group,
    run_dist_script,
)

WORLD_SIZE = 2


def make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(6, 32), torch.nn.Linear(32, 32),
        torch.nn.Linear(32, 4))


def one_step(model, optimizer) -> None:
    torch.manual_seed(1)  # the same batch, and so gradients, on every rank
    model(torch.randn(5, 6)).square().sum().backward()
    optimizer.step()


def _worker(rank: int, store: str, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{store}',
                            rank=rank, world_size=WORLD_SIZE)
    model = make_model()
    optimizer = OPTIMIZERS.build(
        dict(type='ShardedOptimizer', optimizer_type='AdamW', lr=0.1,
             params=model.parameters()))
    one_step(model, optimizer)
    local_state = sum(
        value.numel() for state in optimizer.optim.state.values()
        for name, value in state.items() if name != 'step')
    optimizer.consolidate_state_dict(to=0)
    torch.save(
        dict(params=[p.detach() for p in model.parameters()],
             local_state=local_state, state_dict=optimizer.state_dict()),
        f'{out}.{rank}')
    leave_process_group()


def test_state_is_sharded_and_the_update_is_adamw(tmp_path):
    out = str(tmp_path / 'rank')
    mp.start_processes(_worker, args=(str(tmp_path / 'store'), out),
                       nprocs=WORLD_SIZE, start_method='fork')
    ranks = [torch.load(f'{out}.{r}') for r in range(WORLD_SIZE)]
    reference = make_model()
    one_step(reference, torch.optim.AdamW(reference.parameters(), lr=0.1))
    for rank in ranks:  # every rank has every updated parameter
        for got, expected in zip(rank['params'], reference.parameters()):
            torch.testing.assert_close(got, expected.detach())
    # AdamW's two moments, split between the ranks
    total = 2 * sum(p.numel() for p in reference.parameters())
    assert sum(rank['local_state'] for rank in ranks) == total
    assert max(rank['local_state'] for rank in ranks) < 0.75 * total
    # the checkpoint gets the full state on rank 0 only
    assert len(ranks[0]['state_dict']['state']) == 6
    assert ranks[1]['state_dict'] == {}


@pytest.mark.e2e
def test_dist_train_saves_and_resumes_sharded_state(demo_data, tmp_path):
    options = dict(
        demo_cfg_options(demo_data), **{
            'train_cfg.val_begin': 3,
            'optim_wrapper.optimizer.type': 'ShardedOptimizer',
            'optim_wrapper.optimizer.optimizer_type': 'AdamW'
        })
    work_dir = tmp_path / 'train'

    def train(epochs, *extra):
        result = run_dist_script(
            'dist_train.sh', DEMO_CONFIG, WORLD_SIZE, '--work-dir', work_dir,
            *extra, options=dict(options, **{'train_cfg.max_epochs': epochs}))
        return result.stdout + result.stderr

    train(1)
    checkpoint = torch.load(work_dir / 'epoch_1.pth', weights_only=False)
    state = checkpoint['optimizer']['state']
    # AdamW moments of every trained parameter, gathered from both ranks
    assert len(state) > 0 and all('exp_avg' in s for s in state.values())
    log = train(2, '--resume')
    assert 'resumed epoch: 1' in log
    assert osp.exists(work_dir / 'epoch_2.pth')
