"""Gather a sharded optimizer's state before checkpoints are saved."""
from mmengine.hooks import CheckpointHook, Hook

from mmaction.registry import HOOKS

from ..optimizers import ShardedOptimizer


@HOOKS.register_module()
class ConsolidateShardedOptimizerHook(Hook):
    """Gather the state of a :class:`ShardedOptimizer` on rank 0, on every
    rank (it is a collective), at each point where the
    :class:`CheckpointHook` may save: after each training epoch and each
    validation, and every ``interval`` iterations of an iteration-based
    checkpoint hook. The gathered state is a full copy on rank 0 for a
    moment; the other ranks keep only their shard.
    """

    # after every hook of normal priority, before CheckpointHook (VERY_LOW)
    priority = 'LOW'

    @staticmethod
    def _consolidate(runner) -> None:
        # a test run has no optimizer (or only its unbuilt config)
        optimizer = getattr(runner.optim_wrapper, 'optimizer', None)
        if isinstance(optimizer, ShardedOptimizer):
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
