"""Let mmengine's ``pytorch`` launcher run on machines without GPUs.

What it changes (mmengine 0.10.x, the version it was written for):

- ``mmengine.dist.utils._init_dist_pytorch``: on a machine without an
  accelerator, initialises the process group with the gloo backend instead
  of calling ``torch.cuda.set_device`` and NCCL;
- ``mmengine.model.MMDistributedDataParallel.__init__``: on such a machine,
  wraps the model without ``device_ids`` / ``output_device``, which DDP
  refuses for a module on the CPU.

With these patches the same configs and tools run multi-process on CPU
(gloo), which is how the distributed code is tested. Machines with an
accelerator keep mmengine's behaviour unchanged.

:func:`enable_cpu_distributed` (called when bike_mm is imported) installs
them unless the environment variable ``BIKE_MM_PATCH_CPU_DIST=0`` is set, and
only on mmengine 0.10.x: on another version it warns and leaves mmengine
alone.
"""
import mmengine
import torch.distributed as torch_dist
from mmengine.device import get_device
from mmengine.dist import utils as dist_utils
from mmengine.model import MMDistributedDataParallel

from .patch_guard import patch_allowed

#: The environment variable that turns the patch off (``0``).
ENV_VAR = 'BIKE_MM_PATCH_CPU_DIST'

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


def cpu_distributed_enabled() -> bool:
    """Whether mmengine is patched now."""
    return dist_utils._init_dist_pytorch is \
        _init_dist_pytorch_on_any_device


def enable_cpu_distributed(version: str = mmengine.__version__) -> bool:
    """Install the patches (idempotent), unless turned off by
    ``BIKE_MM_PATCH_CPU_DIST=0`` or ``version`` is not a supported mmengine
    version (then with a warning).

    Args:
        version (str): The mmengine version. Defaults to the installed one.

    Returns:
        bool: Whether the patches are installed.
    """
    if not patch_allowed('CPU distributed', ENV_VAR, version,
                         'distributed runs need GPUs'):
        return False
    dist_utils._init_dist_pytorch = _init_dist_pytorch_on_any_device
    MMDistributedDataParallel.__init__ = _ddp_init_on_any_device
    return True


def disable_cpu_distributed() -> None:
    """Restore mmengine's own functions."""
    dist_utils._init_dist_pytorch = _init_dist_pytorch
    MMDistributedDataParallel.__init__ = _ddp_init
