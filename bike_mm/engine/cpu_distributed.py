"""Multi-process runs on machines without an accelerator, through mmengine's
public extension points only.

mmengine's ``pytorch`` launcher calls ``torch.cuda.set_device`` and starts
NCCL, and its default DDP wrapper passes ``device_ids``, which DDP refuses
for a module on the CPU. bike_mm's tools (and the tests) therefore call
:func:`prepare_cpu_distributed` before building the ``Runner``:

- it starts the gloo process group from the variables torchrun sets
  (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``); the Runner
  leaves an existing process group as it is;
- it selects :class:`CPUDistributedDataParallel` as the model wrapper,
  unless the config chose another one than mmengine's DDP.

On a machine with an accelerator it does nothing, so GPU runs (and
mmaction's own tools, which never call it) keep mmengine's behaviour.
"""
import datetime

import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.device import get_device

#: The wrappers replaced by :class:`CPUDistributedDataParallel` on CPU.
DDP_WRAPPERS = (None, 'MMDistributedDataParallel')


def init_cpu_process_group(launcher: str, timeout: float = 1800) -> bool:
    """Start the gloo process group of a ``pytorch`` (torchrun) launch on a
    machine without an accelerator, unless one is started already.

    Args:
        launcher (str): The job launcher (``--launcher``).
        timeout (float): Seconds a collective may wait. Defaults to 1800,
            mmengine's default.

    Returns:
        bool: Whether the run is a CPU distributed one (False with an
        accelerator or another launcher).
    """
    if launcher != 'pytorch' or get_device() != 'cpu':
        return False
    if not torch_dist.is_initialized():
        # env:// reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT
        torch_dist.init_process_group(
            backend='gloo', timeout=datetime.timedelta(seconds=timeout))
    return True


def prepare_cpu_distributed(cfg: Config) -> bool:
    """Make ``cfg`` (with its ``launcher``) runnable by mmengine's Runner on
    a machine without an accelerator: start the gloo group and select
    :class:`CPUDistributedDataParallel` (keeping the options given for DDP,
    else mmengine's defaults).

    Args:
        cfg (Config): The config, changed in place.

    Returns:
        bool: Whether the run is a CPU distributed one.
    """
    timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get(
        'timeout', 1800)
    if not init_cpu_process_group(cfg.get('launcher', 'none'), timeout):
        return False
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    if cfg.model_wrapper_cfg.get('type') in DDP_WRAPPERS:
        cfg.model_wrapper_cfg.type = 'CPUDistributedDataParallel'
    return True
