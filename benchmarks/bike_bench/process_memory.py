"""Memory of this process for the CPU benchmarks: resident memory read from
``/proc/self`` (Linux), and the bytes of a tensor this rank holds."""
import gc
from typing import Callable


def memory_status(field: str) -> int:
    """Bytes of a ``/proc/self/status`` field (VmRSS, VmHWM)."""
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f'/proc/self/status has no {field}')


def resident_rise(step: Callable[[], None]) -> int:
    """Rise of the resident set while ``step`` runs, in bytes."""
    gc.collect()
    before = memory_status('VmRSS')
    with open('/proc/self/clear_refs', 'w') as refs:
        refs.write('5')  # resets VmHWM to the current resident set
    step()
    return memory_status('VmHWM') - before


def local_bytes(tensor) -> int:
    """Bytes of ``tensor`` held by this rank: its local shard if it is a
    ``DTensor`` (FSDP), else all of it."""
    local = tensor.to_local() if hasattr(tensor, 'to_local') else tensor
    return local.numel() * local.element_size()
