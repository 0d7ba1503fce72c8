"""Gather sharded optimizer state (and fully sharded models) before
checkpoints are saved; shard loaded checkpoints."""
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import CheckpointHook, Hook

from ..model_wrappers import FullyShardedModel
from ..optimizers import ShardedOptimizer


def _optimizer(runner) -> Optional[torch.optim.Optimizer]:
    # a test run has no optimizer (or only its unbuilt config)
    optimizer = getattr(runner.optim_wrapper, 'optimizer', None)
    return optimizer if isinstance(optimizer, torch.optim.Optimizer) \
        else None


@HOOKS.register_module()
class ConsolidateShardedOptimizerHook(Hook):
    """Keep checkpoints plain when training with sharded state.

    Gathering is a collective, but mmengine saves checkpoints on rank 0
    only; this hook gathers on every rank at each point where the
    :class:`CheckpointHook` may save: after each training epoch and each
    validation, and every ``interval`` iterations of an iteration-based
    checkpoint hook. It does nothing for other models and optimizers.

    - :class:`ShardedOptimizer` (ZeRO-1): its state is gathered on rank 0
      (a full copy there for a moment; the other ranks keep their shard).
    - :class:`FullyShardedModel` (FSDP): the full model and optimizer state
      dicts are gathered to the CPU of rank 0 and replace the sharded ones
      in the checkpoint it saves, which is then the checkpoint of a model
      without FSDP. A checkpoint loaded into such a model (``load_from``,
      ``resume``) is cut into this rank's shards first.
    """

    # after every hook of normal priority, before CheckpointHook (VERY_LOW)
    priority = 'LOW'

    def __init__(self) -> None:
        #: full state dicts of a FullyShardedModel, on rank 0, until saved
        self._full_states: Optional[dict] = None

    def _consolidate(self, runner) -> None:
        optimizer = _optimizer(runner)
        if isinstance(runner.model, FullyShardedModel):
            self._full_states = runner.model.full_state_dicts(optimizer)
        elif isinstance(optimizer, ShardedOptimizer):
            optimizer.consolidate_state_dict(to=0)

    def after_train_epoch(self, runner) -> None:
        self._consolidate(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._consolidate(runner)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        for hook in runner.hooks:
            if isinstance(hook, CheckpointHook) and not hook.by_epoch and (
                    self.every_n_train_iters(runner, hook.interval)
                    or self.is_last_train_iter(runner)):
                self._consolidate(runner)
                return

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        # a gathered copy that no checkpoint used is not kept
        self._full_states = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if not isinstance(runner.model, FullyShardedModel):
            return
        if self._full_states is None:
            raise RuntimeError(
                'ConsolidateShardedOptimizerHook: a checkpoint of a '
                'FullyShardedModel is saved where its state was not '
                'gathered (after a training epoch, a validation or a '
                'checkpoint interval of iterations)')
        checkpoint['state_dict'] = self._full_states['state_dict']
        if 'optimizer' in checkpoint:
            # an AmpOptimWrapper's loss scaler stays
            checkpoint['optimizer'].update(self._full_states['optimizer'])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if isinstance(runner.model, FullyShardedModel):
            runner.model.shard_checkpoint(checkpoint, _optimizer(runner))
