"""Load every checkpoint through an allow-list, on every torch.

mmengine's local and http(s) checkpoint loaders are replaced (through
``CheckpointLoader.register_scheme``, mmengine's own extension point) by
:func:`load_checkpoint_file`, unless ``BIKE_MM_PATCH_SAFE_LOAD=0``. mmengine
calls ``torch.load`` without ``weights_only``, and torch then lets
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (or, before torch 2.6, its default)
turn unrestricted unpickling on: a crafted checkpoint could run code in
``tools/test.py``, a resume or any ``load_from``. Every load that goes
through mmengine (``Runner.load_checkpoint``, ``Runner.resume``,
``mmengine.runner.load_checkpoint``, ``CheckpointLoader``) is covered.

Only tensors, plain Python containers and MMEngine's checkpoint types
(:data:`SAFE_CHECKPOINT_GLOBALS`: the message hub's ``HistoryBuffer``, the
``getattr(HistoryBuffer, name)`` of its statistics methods, the numpy
arrays and scalars inside it) are unpickled; anything else raises
:class:`CheckpointError` naming the file and the refused type. How, is
decided by what the installed torch can do (:mod:`bike_mm.utils.torch_compat`):

* where torch's weights-only unpickler takes a scoped allow-list with
  renamed entries (torch >= 2.6), ``torch.load(weights_only=True)`` inside
  ``torch.serialization.safe_globals`` (torch's allow-list is left as it
  was after each load);
* elsewhere, ``torch.load(pickle_module=...)`` with an unpickler that finds
  only the globals torch's weights-only unpickler admits and the same
  allow-list (``weights_only=False`` is then passed explicitly, as torch
  requires with a ``pickle_module``; no other global is ever imported or
  called).

Nothing of torch or mmengine is changed: importing this module only
defines, and :func:`enable_safe_checkpoint_loading` only registers.
"""
import codecs
import os
import os.path as osp
import pickle
import re
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable, Optional, Union
from urllib.parse import urlparse

import numpy as np
import torch
from mmengine.dist import barrier, get_dist_info
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader

from ..utils.torch_compat import (
    RefusedGlobal,
    numpy_pickle_globals,
    restricted_pickle_module,
    weights_only_allow_list,
    weights_only_takes_renamed_entries,
)


def history_buffer_statistic(owner: type, name: str):
    """Stands in for ``getattr`` when a checkpoint is unpickled: a plain
    mmengine run (saved without bike_mm) pickles each ``HistoryBuffer``
    statistics method as ``getattr(HistoryBuffer, name)``. Only those are
    looked up; anything else is refused."""
    statistics = ('min', 'max', 'current', 'mean',
                  *HistoryBuffer._statistics_methods)
    if owner is not HistoryBuffer or name not in statistics:
        owner_name = f'{getattr(owner, "__module__", "?")}.' \
            f'{getattr(owner, "__qualname__", type(owner).__qualname__)}'
        raise RefusedGlobal(f'getattr({owner_name}, {name!r})')
    return getattr(HistoryBuffer, name)


SAFE_CHECKPOINT_GLOBALS = [
    HistoryBuffer,
    np.ndarray,
    np.dtype,
    *numpy_pickle_globals(),
    codecs.encode,  # how numpy pickles raw bytes
    (history_buffer_statistic, 'builtins.getattr'),
    # numpy >= 1.25 pickles a dtype with its class
    *(type(np.dtype(name)) for name in (
        'bool', 'uint8', 'int32', 'int64', 'float16', 'float32', 'float64')),
]

PATCH_ENV_VAR = 'BIKE_MM_PATCH_SAFE_LOAD'
MapLocation = Union[None, str, torch.device, Callable]


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded: unreadable, truncated, or
    holding a type outside the allow-list. The message names
    the file."""


def _refused_type(err: pickle.UnpicklingError) -> Optional[str]:
    """The type the unpickler refused (torch's weights-only one says so in
    its message); None when the file is rather broken (no such type: a name
    cut short by a truncation, or no type named at all)."""
    match = re.search(
        r'GLOBAL (.+?) (?:was not an allowed global|whose module \S+ is '
        'blocked)', str(err))
    if match:
        module, _, name = match[1].rpartition('.')
        # only modules already imported are looked into: importing one
        # named by an untrusted file would run its code
        if module in sys.modules and not hasattr(sys.modules[module], name):
            return None
        return match[1]
    match = re.search(r'WeightsUnpickler error: (.*)', str(err))
    return match[1].strip() if match else None


@lru_cache(maxsize=None)
def _restricted_pickle() -> ModuleType:
    return restricted_pickle_module(SAFE_CHECKPOINT_GLOBALS)


def load_allow_listed(file: Any, map_location: MapLocation = None) -> Any:
    """``torch.load(file)`` admitting only the allow-list (see the module's
    docstring for how, on which torch).

    Args:
        file: A path or a file object, as for :func:`torch.load`.
        map_location: As for :func:`torch.load`.
    """
    if weights_only_takes_renamed_entries():
        with weights_only_allow_list(SAFE_CHECKPOINT_GLOBALS):
            return torch.load(
                file, map_location=map_location, weights_only=True)
    return torch.load(
        file,
        map_location=map_location,
        pickle_module=_restricted_pickle(),
        weights_only=False)


def load_checkpoint_file(filename: str,
                         map_location: MapLocation = None) -> Any:
    """:func:`load_allow_listed` with errors naming the file.

    Args:
        filename (str): Local checkpoint file.
        map_location: As for :func:`torch.load`.

    Returns:
        The loaded object (usually a dict).

    Raises:
        FileNotFoundError: There is no such file (or its folder is missing).
        CheckpointError: The file holds a type outside the allow-list, or
            is truncated or not a checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        folder = osp.dirname(filename) or '.'
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'Checkpoint folder not found: {folder} (for {filename})')
        raise FileNotFoundError(f'Checkpoint not found: {filename}')
    try:
        return load_allow_listed(filename, map_location)
    except pickle.UnpicklingError as err:
        refused = _refused_type(err)
        if refused is None:  # a truncated legacy file fails while unpickling
            raise CheckpointError(
                f'Cannot read checkpoint {filename} (truncated or not a '
                f'checkpoint): {str(err).splitlines()[0]}') from None
        raise CheckpointError(
            f'Refused to load checkpoint {filename}: it holds {refused}, '
            'which is not an allowed type; bike_mm loads only allow-listed '
            'types from checkpoints (see docs/checkpoints.md)') from None
    except (RuntimeError, EOFError, IndexError, KeyError, OSError,
            ValueError) as err:
        raise CheckpointError(
            f'Cannot read checkpoint {filename} (truncated or not a '
            f'checkpoint): {type(err).__name__}: '
            f'{str(err).splitlines()[0] if str(err) else ""}') from None


def load_from_local(filename: str, map_location: MapLocation) -> Any:
    """mmengine ``CheckpointLoader`` scheme for local paths."""
    return load_checkpoint_file(filename, map_location)


def _download(url: str) -> str:
    """The local copy of ``url`` in torch's hub cache, downloaded if it is
    not there yet."""
    folder = osp.join(torch.hub.get_dir(), 'checkpoints')
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, osp.basename(urlparse(url).path))
    if not osp.exists(path):
        torch.hub.download_url_to_file(
            url, path, progress=os.environ.get('LOCAL_RANK', '0') == '0')
    return path


def load_from_http(filename: str, map_location: MapLocation) -> Any:
    """mmengine ``CheckpointLoader`` scheme for http(s) URLs: downloaded
    into torch's hub cache (in a distributed run by rank 0 first, while the
    other ranks wait at a barrier, then found in the cache by them, as
    mmengine's own loader does), then loaded as a local file."""
    rank, world_size = get_dist_info()
    if rank == 0:
        path = _download(filename)
    if world_size > 1:
        barrier()
        if rank > 0:
            path = _download(filename)
    return load_checkpoint_file(path, map_location)


def enable_safe_checkpoint_loading() -> None:
    """Register :func:`load_checkpoint_file` as mmengine's loader for local
    paths and http(s) URLs, unless ``BIKE_MM_PATCH_SAFE_LOAD=0``
    (idempotent)."""
    if os.environ.get(PATCH_ENV_VAR, '1') == '0':
        return
    CheckpointLoader.register_scheme('', load_from_local, force=True)
    CheckpointLoader.register_scheme(('http://', 'https://'),
                                     load_from_http,
                                     force=True)
