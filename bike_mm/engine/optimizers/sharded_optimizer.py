"""ZeRO-1 optimizer whose checkpoints work with mmengine's Runner."""
from mmaction.registry import OPTIMIZERS
from mmengine.dist import is_main_process
from mmengine.optim import ZeroRedundancyOptimizer


@OPTIMIZERS.register_module()
class ShardedOptimizer(ZeroRedundancyOptimizer):
    """mmengine's :class:`ZeroRedundancyOptimizer` (each of the M ranks keeps
    the optimizer state, e.g. AdamW's two moments, of about 1/M of the
    parameters and broadcasts its updated parameters) for the plain
    ``Runner``.

    mmengine's version gathers the state inside :meth:`state_dict`, a
    collective call, but the Runner saves checkpoints on rank 0 only, so
    saving deadlocks or fails. Here :class:`ConsolidateShardedOptimizerHook`
    gathers on every rank just before the checkpoint hook runs, and
    :meth:`state_dict` returns what was gathered.

    Args:
        params: Parameters or parameter groups.
        optimizer_type (str): The ``torch.optim`` class, e.g. ``'AdamW'``.
        **kwargs: Its arguments (lr, betas, ``fused``, ...) and those of
            :class:`torch.distributed.optim.ZeroRedundancyOptimizer`.
    """

    def state_dict(self) -> dict:
        """The full state on rank 0 (gathered by the hook), ``{}`` on the
        other ranks."""
        if not is_main_process():
            return dict()
        return super(ZeroRedundancyOptimizer, self).state_dict()
