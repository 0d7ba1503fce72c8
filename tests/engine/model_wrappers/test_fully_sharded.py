"""FullyShardedModel: FSDP2 across gloo processes equals single-process
training on the global batch; checkpoints are plain and load back. On a
torch without FSDP2's fully_shard, building it is one line naming the
option."""
import copy
import os.path as osp
from typing import Optional

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODEL_WRAPPERS

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.engine import FullyShardedModel
from bike_mm.engine.cli import run_tool as end_tool
from bike_mm.utils import torch_compat
from bike_mm.utils.torch_compat import DTensor, FSDPModule
from tests.helpers import (
    DEMO_CONFIG,
    demo_cfg_options,
    free_port,
    labelled_samples,
    leave_process_group,
    run_dist_script,
    run_tool,
    tiny_bike_model,
)

needs_fully_shard = pytest.mark.skipif(
    not torch_compat.fully_shard_available(),
    reason=f'torch {torch.__version__} has no FSDP2 fully_shard with '
    'ignored_params')
MISSING = ('model_wrapper_cfg.type=FullyShardedModel needs '
           'torch.distributed.fsdp.fully_shard with ignored_params (torch >= '
           f'2.7); this torch is {torch.__version__}')

WORLD_SIZE = 2
LABELS = [0, 1, 2, 0]  # the global batch; rank r gets samples 2r, 2r + 1
FRAMES = 4
# float64; atol: the key biases' gradients are 0 up to rounding, which
# AdamW divides by its eps (1e-8)
CLOSE = dict(rtol=1e-9, atol=1e-10)
# the demo schedule's optimizer: fused AdamW, one group per parameter
OPTIM_WRAPPER = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, fused=True),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=1.0))))


def make_model(**head) -> torch.nn.Module:
    torch.manual_seed(0)
    cfg = tiny_bike_model(temporal_layers=1, **head)
    # as in the BIKE configs: FSDP gathers each block's parameters again
    # when it is recomputed in the backward pass
    cfg['backbone']['grad_checkpointing'] = True
    return MODELS.build(cfg).double()


def batch(step: int, samples: slice) -> dict:
    gen = torch.Generator().manual_seed(step)
    videos = torch.rand(len(LABELS), FRAMES, 3, 64, 64, generator=gen) * 255
    return dict(inputs=list(videos.double()[samples]),
                data_samples=labelled_samples(LABELS)[samples])


def train(model, optim_wrapper, samples: slice, steps: range) -> list:
    """Run training steps; returns each step's gradient of logit_scale."""
    module = model.module if isinstance(model, FullyShardedModel) else model
    logit_scale = module.backbone.clip.logit_scale
    grads = []
    handle = optim_wrapper.optimizer.register_step_pre_hook(
        lambda *_: grads.append(logit_scale.grad.clone()))
    for step in steps:
        model.train_step(batch(step, samples), optim_wrapper)
    handle.remove()
    return grads


def full_params(model) -> dict:
    return {
        name: p.full_tensor() if isinstance(p, DTensor) else p.detach().clone()
        for name, p in model.named_parameters()
    }


def _worker(rank: int, store: str, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{store}',
                            rank=rank, world_size=WORLD_SIZE)
    samples = slice(2 * rank, 2 * rank + 2)
    wrapper = FullyShardedModel(make_model())
    model = wrapper.module
    optim_wrapper = build_optim_wrapper(model, OPTIM_WRAPPER)
    grads = train(wrapper, optim_wrapper, samples, range(2))
    local_sizes = {
        name: p.to_local().numel()
        for name, p in model.named_parameters() if isinstance(p, DTensor)
    }
    # a copy: unsharded tensors are the model's own, as in mmengine's saving
    full = copy.deepcopy(wrapper.full_state_dicts(optim_wrapper.optimizer))
    params = full_params(model)
    # a fresh sharded model and optimizer loaded from the full checkpoint
    # continue exactly as the trained ones
    objects = [copy.deepcopy(full)]
    dist.broadcast_object_list(objects, src=0)
    checkpoint = objects[0]
    resumed = FullyShardedModel(make_model())
    resumed_optim = build_optim_wrapper(resumed.module, OPTIM_WRAPPER)
    resumed.shard_checkpoint(checkpoint, resumed_optim.optimizer)
    resumed.module.load_state_dict(checkpoint['state_dict'])
    resumed_optim.load_state_dict(checkpoint['optimizer'])
    train(wrapper, optim_wrapper, samples, range(2, 3))
    train(resumed, resumed_optim, samples, range(2, 3))
    torch.save(
        dict(grads=grads, local_sizes=local_sizes, full=full, params=params,
             continued=full_params(model),
             resumed=full_params(resumed.module)), f'{out}.{rank}')
    leave_process_group()


@pytest.fixture(scope='module')
def ranks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('fsdp')
    out = str(tmp / 'rank')
    mp.start_processes(_worker, args=(str(tmp / 'store'), out),
                       nprocs=WORLD_SIZE, start_method='fork')
    return [torch.load(f'{out}.{r}') for r in range(WORLD_SIZE)]


@pytest.fixture(scope='module')
def reference():
    """The model and optimizer without FSDP, trained on the global batch."""
    model = make_model()
    optim_wrapper = build_optim_wrapper(model, OPTIM_WRAPPER)
    grads = train(model, optim_wrapper, slice(None), range(2))
    return model, optim_wrapper, grads


@needs_fully_shard
@pytest.mark.e2e
def test_training_equals_the_global_batch(ranks, reference):
    model, _, grads = reference
    expected = {n: p.detach() for n, p in model.named_parameters()}
    for rank in ranks:
        assert rank['params'].keys() == expected.keys()
        for name, value in rank['params'].items():
            torch.testing.assert_close(value, expected[name], **CLOSE,
                                       msg=name)
        # the 0-d logit scale, outside FSDP: gradient averaged by hand
        for got, want in zip(rank['grads'], grads, strict=True):
            torch.testing.assert_close(got, want, **CLOSE)


@needs_fully_shard
@pytest.mark.e2e
def test_each_rank_holds_half_of_every_sharded_parameter(ranks, reference):
    model, _, _ = reference
    params = dict(model.named_parameters())
    sharded = ranks[0]['local_sizes'].keys()
    # every trainable parameter but the 0-d logit scale is sharded; the
    # frozen text tower is not
    assert sharded == {n for n, p in params.items()
                       if p.requires_grad and p.dim() > 0}
    assert 'backbone.clip.token_embedding.weight' not in sharded
    for name in sharded:
        sizes = [rank['local_sizes'][name] for rank in ranks]
        assert sum(sizes) == params[name].numel()
        # dim 0 split in two (the first rank takes the odd row)
        assert max(sizes) <= -(-params[name].shape[0] // 2) * (
            params[name].numel() // params[name].shape[0])


@needs_fully_shard
@pytest.mark.e2e
def test_full_checkpoint_is_plain_and_resumes(ranks, reference):
    model, optim_wrapper, _ = reference
    full = ranks[0]['full']
    assert ranks[1]['full'] is None  # only rank 0 keeps the copy
    state_dict = model.state_dict()
    assert full['state_dict'].keys() == state_dict.keys()
    for key, value in full['state_dict'].items():
        assert type(value) is torch.Tensor
        torch.testing.assert_close(value, state_dict[key], **CLOSE)
    # the optimizer state of a plain optimizer: same ids, full moments
    expected = optim_wrapper.state_dict()
    assert full['optimizer']['param_groups'] == expected['param_groups']
    assert full['optimizer']['state'].keys() == expected['state'].keys()
    for i, state in expected['state'].items():
        for name, value in state.items():
            torch.testing.assert_close(full['optimizer']['state'][i][name],
                                       value, **CLOSE)
    # a plain model and optimizer load it
    plain = make_model()
    plain.load_state_dict(full['state_dict'])
    build_optim_wrapper(plain, OPTIM_WRAPPER).load_state_dict(
        full['optimizer'])
    # resuming from it continues as the uninterrupted run
    for rank in ranks:
        for name, value in rank['continued'].items():
            torch.testing.assert_close(rank['resumed'][name], value,
                                       rtol=0, atol=0, msg=name)


def logged(log: str, mode: Optional[str], key: str) -> list:
    """The values of ``key`` in the ``Epoch(<mode>)`` lines of a training
    log, or with ``mode`` None in the metrics line of tools/test.py."""
    lines = [
        line for line in log.splitlines() if f'{key}: ' in line and (
            f'Epoch({mode})' in line if mode else line.startswith('acc/'))
    ]
    assert lines, log[-2000:]
    return [float(line.split(f'{key}: ')[1].split()[0]) for line in lines]


@needs_fully_shard
@pytest.mark.e2e
def test_dist_train_equals_ddp_saves_plain_checkpoints_and_resumes(
        demo_data, tmp_path):
    options = dict(
        demo_cfg_options(demo_data), **{
            'train_cfg.val_begin': 1,
            'train_cfg.val_interval': 1,
            'default_hooks.logger.interval': 1,
        })
    fsdp = {'model_wrapper_cfg.type': 'FullyShardedModel',
            'runner_type': 'ShardedRunner'}

    def train(work_dir, epochs, *extra, **more_options):
        result = run_dist_script(
            'dist_train.sh', DEMO_CONFIG, WORLD_SIZE, '--work-dir', work_dir,
            *extra, options=dict(options, **more_options,
                                 **{'train_cfg.max_epochs': epochs}))
        return result.stdout + result.stderr

    work_dir = tmp_path / 'fsdp'
    first = train(work_dir, 1, **fsdp)
    checkpoint = torch.load(work_dir / 'epoch_1.pth', weights_only=False)
    # the state dict of the model without FSDP: same keys, full shapes
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.merge_from_dict(demo_cfg_options(demo_data))
    plain = MODELS.build(cfg.model).state_dict()
    assert {k: v.shape for k, v in checkpoint['state_dict'].items()} == \
        {k: v.shape for k, v in plain.items()}
    assert all(type(v) is torch.Tensor
               for v in checkpoint['state_dict'].values())
    moments = [s['exp_avg'] for s in checkpoint['optimizer']['state'].values()]
    assert moments and all(type(m) is torch.Tensor for m in moments)
    # a single process tests it with the metrics the run logged
    test = run_tool(
        'test.py', DEMO_CONFIG, work_dir / 'epoch_1.pth', '--work-dir',
        tmp_path / 'test', '--cfg-options',
        *[f'{k}={v}' for k, v in demo_cfg_options(demo_data).items()],
        'test_dataloader.dataset.ann_file=' + osp.join(demo_data, 'val.txt'))
    # and so does a sharded test run (its categories are encoded inside the
    # sharded forward)
    val_as_test = {
        'test_dataloader.dataset.ann_file': osp.join(demo_data, 'val.txt')
    }
    dist_test = run_dist_script(
        'dist_test.sh', DEMO_CONFIG, work_dir / 'epoch_1.pth', WORLD_SIZE,
        '--work-dir', tmp_path / 'dist_test',
        options=dict(demo_cfg_options(demo_data), **fsdp, **val_as_test))
    for key in ('acc/top1', 'acc/top5', 'acc/mean1'):
        for result in (test.stdout, dist_test.stdout):
            assert logged(result, None, key)[-1] == pytest.approx(
                logged(first, 'val', key)[-1])
    resumed = train(work_dir, 2, '--resume', **fsdp)
    assert 'resumed epoch: 1' in resumed
    # DDP without interruption: the same losses and accuracies, before and
    # after the resume
    ddp = train(tmp_path / 'ddp', 2)
    for mode, key in (('train', 'loss'), ('val', 'acc/top1')):
        expected = logged(ddp, mode, key)
        got = logged(first, mode, key) + logged(resumed, mode, key)
        assert got == pytest.approx(expected, rel=1e-3), (mode, key)


def _split_blocks_worker(rank: int, store: str, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{store}',
                            rank=rank, world_size=WORLD_SIZE)
    wrapper = FullyShardedModel(
        make_model(temporal_checkpointing=True), split_blocks=True)
    block = wrapper.module.cls_head.temporal.transformer.resblocks[0]
    units = dict(block=isinstance(block, FSDPModule),
                 attn=isinstance(block.attn, FSDPModule),
                 mlp=isinstance(block.mlp, FSDPModule))
    train(wrapper, build_optim_wrapper(wrapper.module, OPTIM_WRAPPER),
          slice(2 * rank, 2 * rank + 2), range(2))
    torch.save(dict(units=units, params=full_params(wrapper.module)),
               f'{out}.{rank}')
    leave_process_group()


@needs_fully_shard
@pytest.mark.e2e
def test_split_blocks_with_temporal_checkpointing_train_as_one_process(
        tmp_path, reference):
    out = str(tmp_path / 'rank')
    mp.start_processes(_split_blocks_worker,
                       args=(str(tmp_path / 'store'), out),
                       nprocs=WORLD_SIZE, start_method='fork')
    model, _, _ = reference
    for rank in range(WORLD_SIZE):
        got = torch.load(f'{out}.{rank}')
        # attention and MLP are units of their own, the block is not
        assert got['units'] == dict(block=False, attn=True, mlp=True)
        for name, param in model.named_parameters():
            torch.testing.assert_close(got['params'][name], param.detach(),
                                       **CLOSE, msg=name)


FRAME_INTERACTIONS = ('TokenT1D', 'CrossFrameMessage')


def make_cross_frame_model(interaction: str) -> torch.nn.Module:
    """Tiny BIKE on a CrossFrameOpenCLIP whose vision blocks run through a
    frame interaction (TokenT1D runs the block's sub-layers itself)."""
    torch.manual_seed(0)
    cfg = tiny_bike_model(temporal_layers=0)
    cfg['backbone'] = dict(
        type='CrossFrameOpenCLIP', arch='ViT-Tiny-16', pretrained=None,
        frame_interaction=dict(type=interaction))
    return MODELS.build(cfg).double()


def _interaction_worker(rank: int, store: str, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{store}',
                            rank=rank, world_size=WORLD_SIZE)
    params = {}
    for interaction in FRAME_INTERACTIONS:
        wrapper = FullyShardedModel(make_cross_frame_model(interaction))
        optim_wrapper = build_optim_wrapper(wrapper.module, OPTIM_WRAPPER)
        train(wrapper, optim_wrapper, slice(2 * rank, 2 * rank + 2),
              range(2))
        params[interaction] = full_params(wrapper.module)
    torch.save(params, f'{out}.{rank}')
    leave_process_group()


@needs_fully_shard
@pytest.mark.e2e
def test_frame_interactions_train_as_on_the_global_batch(tmp_path):
    out = str(tmp_path / 'rank')
    mp.start_processes(_interaction_worker,
                       args=(str(tmp_path / 'store'), out),
                       nprocs=WORLD_SIZE, start_method='fork')
    got = torch.load(f'{out}.0')
    for interaction in FRAME_INTERACTIONS:
        model = make_cross_frame_model(interaction)
        train(model, build_optim_wrapper(model, OPTIM_WRAPPER), slice(None),
              range(2))
        for name, param in model.named_parameters():
            torch.testing.assert_close(got[interaction][name],
                                       param.detach(), **CLOSE,
                                       msg=f'{interaction}: {name}')


def test_without_fully_shard_building_it_is_one_line(monkeypatch):
    monkeypatch.setattr(torch_compat, 'fully_shard', None)

    def main():
        MODEL_WRAPPERS.build(
            dict(type='FullyShardedModel', module=torch.nn.Linear(1, 1)))

    with pytest.raises(SystemExit) as exit:
        end_tool(main)
    assert exit.value.code.endswith(f': {MISSING}')
    assert '\n' not in exit.value.code


@pytest.mark.skipif(
    torch_compat.fully_shard_available(),
    reason='this torch has fully_shard (the missing case is simulated '
    'above)')
@pytest.mark.e2e
def test_train_tool_on_a_torch_without_fully_shard_ends_in_one_line(
        demo_data, tmp_path):
    """A distributed run of one process (the Runner wraps models only in
    distributed runs), as a launcher starts it."""
    env = dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
               MASTER_ADDR='127.0.0.1', MASTER_PORT=str(free_port()))
    result = run_tool(
        'train.py', DEMO_CONFIG, '--launcher', 'pytorch', '--work-dir',
        tmp_path / 'work', '--cfg-options',
        'model_wrapper_cfg.type=FullyShardedModel',
        'runner_type=ShardedRunner',
        *[f'{k}={v}' for k, v in demo_cfg_options(demo_data).items()],
        check=False, env=env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('train.py: error: ') and last.endswith(MISSING)
    assert 'Traceback' not in result.stderr
