"""mmengine's DDP wrapper for a model on the CPU."""
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """:class:`MMDistributedDataParallel` for a module on the CPU (gloo).

    mmengine's Runner passes ``device_ids=[LOCAL_RANK]`` to every DDP
    wrapper, which DDP refuses for a CPU module; this wrapper drops them.
    Selected by :func:`bike_mm.engine.prepare_cpu_distributed` in CPU
    multi-process runs (``model_wrapper_cfg=dict(
    type='CPUDistributedDataParallel')`` in a config does the same).

    Args:
        module (nn.Module): The model.
        device_ids (Sequence[int], optional): Ignored.
        output_device (int, optional): Ignored.
        **kwargs: Other arguments of :class:`MMDistributedDataParallel`.
    """

    def __init__(self,
                 module: nn.Module,
                 device_ids: Optional[Sequence[int]] = None,
                 output_device: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__(module=module, **kwargs)
