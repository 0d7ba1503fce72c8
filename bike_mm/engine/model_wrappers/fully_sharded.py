"""Fully sharded data parallel training (torch's FSDP2) under mmengine's
plain ``Runner``, on gloo (CPU) and NCCL. Needs a torch with FSDP2's
``fully_shard`` (:func:`~bike_mm.utils.torch_compat.fully_shard_available`);
on an older one, building :class:`FullyShardedModel` ends the run with one
line saying so."""
from typing import Any, Callable, Dict, List, Optional, Set

import torch
import torch.distributed as dist
import torch.nn as nn
from mmengine.dist import broadcast
from mmengine.registry import MODEL_WRAPPERS
from open_clip.transformer import (CustomResidualAttentionBlock,
                                   ResidualAttentionBlock)
from ...models.backbones.cross_frame_open_clip import CrossFrameOpenCLIP
from ...models.common.video_specific_prompt import PromptGeneratorBlock
from ...utils import torch_compat

#: Module types sharded as units of their own (their parameters are
#: gathered just for their forward and backward): CLIP's residual attention
#: blocks (both towers and the temporal transformers of the heads) and
#: X-CLIP's prompt generator blocks.
SHARDED_BLOCK_TYPES = (ResidualAttentionBlock, CustomResidualAttentionBlock,
                       PromptGeneratorBlock)


def is_sharded_block(module: nn.Module) -> bool:
    """Whether ``module`` is one of :data:`SHARDED_BLOCK_TYPES` with a
    trainable parameter (frozen blocks, e.g. the frozen text tower, stay
    plain modules)."""
    return isinstance(module, SHARDED_BLOCK_TYPES) and any(
        p.requires_grad for p in module.parameters())


def _frame_interaction_units(module: nn.Module) -> List[List[nn.Module]]:
    """``[frame interaction, its vision block]`` of every
    :class:`CrossFrameOpenCLIP` in ``module``."""
    return [[interaction, clip.clip.visual.transformer.resblocks[int(i)]]
            for clip in module.modules()
            if isinstance(clip, CrossFrameOpenCLIP)
            for i, interaction in clip.frame_interactions.items()]


def _average_gradient_over_ranks(param: torch.Tensor) -> None:
    # gloo has no AVG reduction
    dist.all_reduce(param.grad)
    param.grad.div_(dist.get_world_size())


def _block_sublayers(block: nn.Module) -> List[nn.Module]:
    """The attention and the MLP of a residual attention block (its norms
    stay with the root unit); a block without them is one unit."""
    sublayers = [getattr(block, name) for name in ('attn', 'mlp')
                 if isinstance(getattr(block, name, None), nn.Module)]
    return sublayers or [block]


def apply_fully_shard(module: nn.Module,
                      is_block: Callable[[nn.Module],
                                         bool] = is_sharded_block,
                      split_blocks: bool = False,
                      **fsdp_kwargs) -> nn.Module:
    """Shard ``module``'s parameters, gradients and (through them) optimizer
    state across the ranks of the default process group with torch's
    ``fully_shard`` (FSDP2), in place.

    Each submodule for which ``is_block`` holds becomes a unit of its own,
    then the root takes the remaining parameters, except those FSDP cannot
    or should not shard, which stay plain tensors on every rank:

    - frozen parameters (e.g. the frozen text tower, which
      :class:`CategoryCacheHook` moves off the device or memory-maps);
    - 0-d parameters (open_clip's ``logit_scale``), which FSDP refuses. The
      gradients of the trainable ones are averaged over the ranks by a hook
      after they are accumulated, as DDP would.

    A block must be run by calling it (FSDP gathers its parameters in its
    forward hooks). A frame interaction of a :class:`CrossFrameOpenCLIP`
    gets its vision block as an argument and may run the block's sub-layers
    instead (:class:`TokenT1D`), so each interaction and its block form one
    unit, gathered when the interaction is called.

    Args:
        module (nn.Module): The model, on its training device.
        is_block (Callable[[nn.Module], bool]): Which submodules are units
            of their own. Defaults to :func:`is_sharded_block`.
        split_blocks (bool): Make the attention and the MLP of each block two
            units instead of one: fewer parameters gathered at a time (a
            lower peak) for twice the collectives. Defaults to False.
        **fsdp_kwargs: Other arguments of ``fully_shard`` (``mesh``,
            ``reshard_after_forward``, ``mp_policy`` ...).

    Returns:
        nn.Module: ``module``, now also an ``FSDPModule``.
    """
    plain: Set[nn.Parameter] = {
        p
        for p in module.parameters() if not p.requires_grad or p.dim() == 0
    }
    grouped = _frame_interaction_units(module)
    blocks = [[unit] for name, sub in module.named_modules()
              if name and is_block(sub) and
              not any(sub in unit for unit in grouped)
              for unit in (_block_sublayers(sub) if split_blocks else [sub])]
    torch_compat.require_fully_shard('apply_fully_shard')
    for unit in grouped + blocks:
        params = {p for sub in unit for p in sub.parameters()}
        if any(p.requires_grad for p in params):
            torch_compat.fully_shard(unit if len(unit) > 1 else unit[0],
                                     ignored_params=plain & params,
                                     **fsdp_kwargs)
    torch_compat.fully_shard(module, ignored_params=plain, **fsdp_kwargs)
    for param in plain:
        if param.requires_grad:
            param.register_post_accumulate_grad_hook(
                _average_gradient_over_ranks)
    return module


def _full(value: Any, keep: bool) -> Any:
    """``value`` with every DTensor gathered (a collective) into a plain CPU
    tensor, kept where ``keep`` (else None, so only one rank holds the
    copy); other tensors moved to the CPU."""
    if isinstance(value, dict):
        return {k: _full(v, keep) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_full(v, keep) for v in value)
    if torch_compat.is_dtensor(value):
        value = value.full_tensor()
    return value.cpu() if keep and isinstance(value, torch.Tensor) else value


def _shard_like(value: Any, param: torch.Tensor) -> Any:
    """A full tensor of ``param``'s shape as this rank's shard of it, when
    ``param`` is sharded (no communication: every rank has the full one)."""
    if torch_compat.is_dtensor(param) and \
            isinstance(value, torch.Tensor) and \
            not torch_compat.is_dtensor(value) and value.shape == param.shape:
        return torch_compat.distribute_tensor(
            value.to(param.device), param.device_mesh, param.placements,
            src_data_rank=None)
    return value


@MODEL_WRAPPERS.register_module()
class FullyShardedModel(nn.Module):
    """Model wrapper for mmengine's ``Runner`` that trains the model fully
    sharded (:func:`apply_fully_shard`): each of the M ranks keeps about
    1/M of the parameters, gradients and optimizer state.

    Use it with ``model_wrapper_cfg=dict(type='FullyShardedModel')`` and
    ``runner_type='ShardedRunner'`` in a config (``--cfg-options
    model_wrapper_cfg.type=FullyShardedModel runner_type=ShardedRunner``).
    Checkpoints stay plain full state dicts, which single-process tools
    and the DDP runner read and a sharded run loads and resumes from:
    :class:`ConsolidateShardedOptimizerHook` gathers them through
    :meth:`full_state_dicts` and shards loaded ones through
    :meth:`shard_checkpoint`.

    Args:
        module (nn.Module): The model (an mmengine ``BaseModel``).
        **fsdp_kwargs: Arguments of :func:`apply_fully_shard`.
    """

    def __init__(self, module: nn.Module, **fsdp_kwargs) -> None:
        torch_compat.require_fully_shard(
            'model_wrapper_cfg.type=FullyShardedModel')
        super().__init__()
        # what the Runner does after wrapping a model, which shards cannot
        # do (see ShardedRunner): initialise it, then start from
        # rank 0's weights on every rank
        if hasattr(module, 'init_weights'):
            module.init_weights()
        for tensor in module.state_dict().values():
            broadcast(tensor)
        self.module = apply_fully_shard(module, **fsdp_kwargs)

    # FSDP gathers parameters in the hooks of the module's __call__, which
    # the module's own steps go through
    def train_step(self, data, optim_wrapper) -> Dict[str, torch.Tensor]:
        return self.module.train_step(data, optim_wrapper)

    def val_step(self, data) -> list:
        return self.module.val_step(data)

    def test_step(self, data) -> list:
        return self.module.test_step(data)

    def full_state_dicts(
            self, optimizer: Optional[torch.optim.Optimizer] = None
    ) -> Optional[dict]:
        """Gather the full model (and optimizer) state dicts, in the form a
        model and optimizer without FSDP have, on rank 0 (a collective:
        every rank calls it).

        Returns:
            dict | None: ``state_dict`` (and ``optimizer``) on rank 0, None
            on the other ranks.
        """
        keep = dist.get_rank() == 0
        states = dict(state_dict=_full(self.module.state_dict(), keep))
        if optimizer is not None:
            states['optimizer'] = _full(optimizer.state_dict(), keep)
        return states if keep else None

    def shard_checkpoint(self,
                         checkpoint: dict,
                         optimizer: Optional[torch.optim.Optimizer] = None
                         ) -> None:
        """Replace, in place, the full tensors of a plain checkpoint's
        ``state_dict`` (and of its ``optimizer`` state, matched to
        ``optimizer``'s parameters by position as ``Optimizer.load_state_dict``
        does) by this rank's shards, so that mmengine's loading copies them
        into the sharded model (and optimizer)."""
        params = dict(self.module.named_parameters())
        state_dict = checkpoint.get('state_dict', {})
        for key, value in state_dict.items():
            # mmengine strips a 'module.' prefix when it loads
            name = key[len('module.'):] if key.startswith('module.') and \
                key not in params else key
            if name in params:
                state_dict[key] = _shard_like(value, params[name])
        saved = checkpoint.get('optimizer')
        if optimizer is None or not saved or 'param_groups' not in saved:
            return
        ids = [i for group in saved['param_groups'] for i in group['params']]
        current = [p for group in optimizer.param_groups
                   for p in group['params']]
        for i, param in zip(ids, current):
            if i in saved['state']:
                saved['state'][i] = {
                    name: _shard_like(value, param)
                    for name, value in saved['state'][i].items()
                }
