"""Let mmengine's ``pytorch`` launcher run on machines without GPUs.

mmengine always calls ``torch.cuda.set_device`` and wraps models in DDP with
``device_ids=[LOCAL_RANK]``; both fail when there is no accelerator. With
these patches the same configs and tools run multi-process on CPU with the
gloo backend, which is how the distributed code is tested. Machines with an
accelerator keep mmengine's behaviour unchanged.
"""
import torch.distributed as torch_dist
from mmengine.device import get_device
from mmengine.dist import utils as dist_utils
from mmengine.model import MMDistributedDataParallel

_init_dist_pytorch = dist_utils._init_dist_pytorch
_ddp_init = MMDistributedDataParallel.__init__


def _init_dist_pytorch_on_any_device(backend: str,
                                     init_backend: str = 'torch',
                                     **kwargs) -> None:
    if get_device() != 'cpu':
        return _init_dist_pytorch(backend, init_backend, **kwargs)
    # NCCL needs GPUs; gloo is the collective backend for CPU tensors
    torch_dist.init_process_group(backend='gloo', **kwargs)


def _ddp_init_on_any_device(self, module, detect_anomalous_params=False,
                            **kwargs) -> None:
    if get_device() == 'cpu':
        # DDP refuses device ids for a module on the CPU
        kwargs['device_ids'] = None
        kwargs.pop('output_device', None)
    _ddp_init(self, module, detect_anomalous_params, **kwargs)


def enable_cpu_distributed() -> None:
    """Install the patches (idempotent)."""
    dist_utils._init_dist_pytorch = _init_dist_pytorch_on_any_device
    MMDistributedDataParallel.__init__ = _ddp_init_on_any_device
