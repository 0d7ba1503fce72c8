"""What differs between the torch (and numpy) versions bike_mm runs on,
decided in this one place by what the installed version has (does the
function exist, does it take the argument), never by version strings.

Nothing here changes torch or numpy: it only looks things up.

- FSDP2 (:data:`fully_shard`, :data:`FSDPModule`) and DTensor
  (:data:`DTensor`, :data:`distribute_tensor`): None where missing;
  :func:`require_fully_shard` ends a run that asks for them with one line.
- :data:`OutOfMemoryError`: ``torch.OutOfMemoryError`` or, before it
  existed, ``torch.cuda.OutOfMemoryError``.
- :func:`replace_parameter_data`: ``torch.utils.swap_tensors`` or, before
  it existed, ``param.data`` assignment.
- :func:`fused_kernel_available`: whether an optimizer accepts
  ``fused=True`` for parameters on a device type.
- Weights-only loading with an allow-list: :func:`weights_only_allow_list`
  (torch's scoped ``safe_globals`` where it takes renamed entries) or, where
  torch cannot extend its weights-only unpickler that way,
  :func:`restricted_pickle_module` for ``torch.load(pickle_module=...)``.
- :func:`numpy_pickle_globals`: the numpy functions arrays and scalars are
  pickled with, under the names numpy 1.x and 2.x write.
"""
import codecs
import collections
import contextlib
import functools
import inspect
import io
import pickle
import types
from typing import Any, Dict, Iterator, List, Tuple, Type

import numpy as np
import torch

try:  # public since torch 2.6
    from torch.distributed.fsdp import FSDPModule, fully_shard
except ImportError:
    FSDPModule = fully_shard = None
try:
    from torch.distributed.tensor import DTensor, distribute_tensor
except ImportError:
    DTensor = distribute_tensor = None

#: The error torch raises when a device runs out of memory.
OutOfMemoryError: Type[Exception] = getattr(torch, 'OutOfMemoryError',
                                            torch.cuda.OutOfMemoryError)


class TorchFeatureMissing(ValueError):
    """A config option the installed torch cannot run (a ValueError, so
    that the tools end with its one-line message)."""


def profiler_event_start(event: Any) -> float:
    """Start time of a profiler (kineto) event: ``start_ns()`` where torch
    has it, else ``start_us()`` (torch < 2.2)."""
    start_ns = getattr(event, 'start_ns', None)
    return start_ns() if start_ns is not None else event.start_us() * 1e3


def fully_shard_available() -> bool:
    """Whether torch has the FSDP2 ``fully_shard`` bike_mm's sharding uses:
    public, and taking ``ignored_params`` (frozen and 0-d parameters stay
    plain tensors), which torch 2.7 added."""
    return fully_shard is not None and DTensor is not None and \
        'ignored_params' in inspect.signature(fully_shard).parameters


def require_fully_shard(option: str) -> None:
    """Raise :class:`TorchFeatureMissing` naming ``option`` unless
    :func:`fully_shard_available`.

    Args:
        option (str): The config option that asks for sharding, e.g.
            ``'model_wrapper_cfg.type=FullyShardedModel'``.
    """
    if not fully_shard_available():
        raise TorchFeatureMissing(
            f'{option} needs torch.distributed.fsdp.fully_shard with '
            f'ignored_params (torch >= 2.7); this torch is '
            f'{torch.__version__}')


def is_dtensor(value: Any) -> bool:
    """Whether ``value`` is a DTensor (never, where torch has none)."""
    return DTensor is not None and isinstance(value, DTensor)


def replace_parameter_data(param: torch.nn.Parameter,
                           data: torch.Tensor) -> None:
    """Make ``param`` hold ``data`` (e.g. on another device, or memory
    mapped), keeping the same Parameter object, which the optimizer and
    others reference: ``torch.utils.swap_tensors`` (torch >= 2.3) or,
    before it existed, assignment to ``param.data``."""
    swap_tensors = getattr(torch.utils, 'swap_tensors', None)
    if swap_tensors is None:
        param.data = data
    else:
        swap_tensors(
            param, torch.nn.Parameter(data, requires_grad=param.requires_grad))


@functools.lru_cache(maxsize=None)
def fused_kernel_available(optimizer_class: type, device_type: str) -> bool:
    """Whether ``optimizer_class(params, fused=True)`` is accepted for
    floating-point parameters on ``device_type`` (e.g. torch 2.1 has fused
    AdamW only for CUDA; torch >= 2.4 also for CPU). Tried on a one-element
    parameter of that device type.

    Args:
        optimizer_class (type): A ``torch.optim`` optimizer class.
        device_type (str): ``'cpu'``, ``'cuda'`` ...
    """
    if 'fused' not in inspect.signature(optimizer_class).parameters:
        return False
    param = torch.zeros(1, device=device_type, requires_grad=True)
    try:
        optimizer_class([param], fused=True)
    except (RuntimeError, ValueError):
        return False
    return True


# --- weights-only loading ---------------------------------------------------

#: An allow-list entry: an object, or ``(object, 'module.name')`` to admit
#: it under a name other than its own.
AllowListEntry = Any


def _entry_name(entry: AllowListEntry) -> Tuple[str, Any]:
    if isinstance(entry, tuple):
        obj, name = entry
        return name, obj
    return f'{entry.__module__}.{entry.__qualname__}', entry


class _RenamedEntryProbe:
    """Pickled by :func:`weights_only_takes_renamed_entries`'s probe."""


@functools.lru_cache(maxsize=None)
def weights_only_takes_renamed_entries() -> bool:
    """Whether torch's weights-only unpickler can be given an allow-list in
    a scope (``torch.serialization.safe_globals``) that includes
    ``(object, 'module.name')`` entries, which the allow-list needs (it
    admits ``getattr`` as a restricted stand-in). Tried on an in-memory
    pickle of a class loaded under another name."""
    safe_globals = getattr(torch.serialization, 'safe_globals', None)
    if safe_globals is None:
        return False
    buffer = io.BytesIO()
    torch.save(_RenamedEntryProbe, buffer)
    buffer.seek(0)
    probe_name = _entry_name(_RenamedEntryProbe)[0]
    try:
        with safe_globals([(_RenamedEntryProbe, probe_name)]):
            loaded = torch.load(buffer, weights_only=True)
    except Exception:  # any failure of an older unpickler means no
        return False
    return loaded is _RenamedEntryProbe


@contextlib.contextmanager
def weights_only_allow_list(entries: List[AllowListEntry]) -> Iterator[None]:
    """``torch.load(weights_only=True)`` inside admits ``entries`` too
    (torch's allow-list is restored on exit). Only where
    :func:`weights_only_takes_renamed_entries`."""
    with torch.serialization.safe_globals(entries):
        yield


class RefusedGlobal(pickle.UnpicklingError):
    """A global outside the allow-list met while unpickling, with the
    message torch's weights-only unpickler gives one.

    Args:
        name (str): Its ``module.name`` (or what was looked up).
    """

    def __init__(self, name: str) -> None:
        super().__init__(f'GLOBAL {name} was not an allowed global')
        self.name = name


def _torch_weights_only_globals() -> Dict[str, Any]:
    """What torch's own weights-only unpickler admits: tensor and storage
    classes, the tensor rebuild functions, dtypes, ``OrderedDict``, plus
    what newer versions of it admit besides (sets, bytes ...)."""
    from torch import _weights_only_unpickler
    allowed = dict(_weights_only_unpickler._get_allowed_globals())
    for obj in (set, complex, bytearray):
        allowed[f'builtins.{obj.__name__}'] = obj
    allowed.update({'_codecs.encode': codecs.encode,
                    'collections.Counter': collections.Counter,
                    'torch.device': torch.device})
    return allowed


def restricted_pickle_module(
        entries: List[AllowListEntry]) -> types.ModuleType:
    """A module for ``torch.load(f, pickle_module=..., weights_only=False)``
    whose unpickler finds only the globals torch's weights-only unpickler
    admits and ``entries``; any other global raises :class:`RefusedGlobal`
    before it is imported or called. For a torch whose weights-only
    unpickler cannot take the allow-list.

    Args:
        entries (list): Allow-list entries (objects or
            ``(object, 'module.name')``).

    Returns:
        module: With ``Unpickler`` and ``load``, as torch uses them.
    """
    allowed = _torch_weights_only_globals()
    allowed.update(_entry_name(entry) for entry in entries)

    class Unpickler(pickle.Unpickler):

        def find_class(self, module: str, name: str) -> Any:
            if module == '__builtin__':  # protocol 2 from Python 2 names
                module = 'builtins'
            full_name = f'{module}.{name}'
            if full_name not in allowed:
                raise RefusedGlobal(full_name)
            return allowed[full_name]

    def load(file: Any, **kwargs) -> Any:
        return Unpickler(file, **kwargs).load()

    module = types.ModuleType('bike_mm_restricted_pickle')
    module.Unpickler = Unpickler
    module.load = load
    return module


def numpy_pickle_globals() -> List[AllowListEntry]:
    """The functions numpy pickles arrays and scalars with
    (``multiarray._reconstruct`` and ``multiarray.scalar``), taken from
    numpy's own ``__reduce__`` and admitted under both names: numpy 2
    writes ``numpy._core.multiarray``, numpy 1.x ``numpy.core.multiarray``,
    so checkpoints cross between them. (Looking them up as
    ``np._core``/``np.core`` is unreliable: numpy 1.x may have a ``_core``
    stub without ``multiarray``, and numpy 2 deprecates ``np.core``.)"""
    functions = (np.zeros(1).__reduce__()[0], np.float64(0).__reduce__()[0])
    return [(function, f'{package}.multiarray.{function.__name__}')
            for function in functions
            for package in ('numpy.core', 'numpy._core')]

