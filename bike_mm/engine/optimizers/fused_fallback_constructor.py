"""An optimizer asked for ``fused=True`` where torch has no fused kernel
for the parameters' device falls back to torch's default implementation."""
import logging
from typing import Set

import torch
import torch.nn as nn
from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper

from ...utils.torch_compat import fused_kernel_available


def _torch_optimizer_class(optimizer_cfg: dict) -> type:
    """The ``torch.optim`` class that will take ``fused``: the config's
    ``type``, or its ``optimizer_type`` for an optimizer that wraps one
    (``ZeroRedundancyOptimizer``, :class:`ShardedOptimizer`)."""
    if 'optimizer_type' in optimizer_cfg:
        return getattr(torch.optim, optimizer_cfg['optimizer_type'])
    optimizer_class = optimizer_cfg['type']
    if isinstance(optimizer_class, str):
        with OPTIMIZERS.switch_scope_and_registry(None) as registry:
            optimizer_class = registry.get(optimizer_class)
    return optimizer_class


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class FusedFallbackOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """mmengine's default constructor (``paramwise_cfg`` and all), except
    that ``optimizer.fused=True`` is dropped, with one warning line in the
    log, where the installed torch has no fused kernel of that optimizer for
    the device of the trainable parameters (e.g. torch < 2.4 has fused
    AdamW only on CUDA). The optimizer is then torch's default one
    (``foreach`` on GPU, a per-tensor loop on CPU): the same update, slower.

    Use it with ``optim_wrapper=dict(constructor=
    'FusedFallbackOptimWrapperConstructor', optimizer=dict(..., fused=True))``.
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        if self.optimizer_cfg.get('fused'):
            self._drop_fused_without_kernel(
                model.module if hasattr(model, 'module') else model)
        return super().__call__(model)

    def _drop_fused_without_kernel(self, model: nn.Module) -> None:
        optimizer_class = _torch_optimizer_class(self.optimizer_cfg)
        devices: Set[str] = {
            p.device.type
            for p in model.parameters() if p.requires_grad
        }
        missing = sorted(
            device for device in devices
            if not fused_kernel_available(optimizer_class, device))
        if not missing:
            return
        self.optimizer_cfg = dict(self.optimizer_cfg)
        del self.optimizer_cfg['fused']
        name = optimizer_class.__name__
        print_log(
            f'optim_wrapper.optimizer.fused=True: torch {torch.__version__} '
            f'has no fused {name} for {", ".join(missing)} parameters; '
            f'training with its default {name} instead',
            logger='current',
            level=logging.WARNING)
