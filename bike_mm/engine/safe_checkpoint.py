"""Load every checkpoint with ``torch.load(weights_only=True)``.

Two patches, both written for torch >= 2.6 and mmengine 0.10 (a warning
names the versions found when they differ) and both turned off by
``BIKE_MM_PATCH_SAFE_LOAD=0``:

* **mmengine's local and http(s) checkpoint loaders** are replaced (through
  ``CheckpointLoader.register_scheme``, mmengine's own extension point) by
  :func:`load_checkpoint_file`, which passes ``weights_only=True``
  explicitly. mmengine calls ``torch.load`` without it, and torch then lets
  ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` turn unrestricted unpickling back
  on: a crafted checkpoint could run code in ``tools/test.py``, a resume or
  any ``load_from``. Every load that goes through mmengine
  (``Runner.load_checkpoint``, ``Runner.resume``,
  ``mmengine.runner.load_checkpoint``, ``CheckpointLoader``) is covered.
  A refused or unreadable file raises :class:`CheckpointError` naming the
  file and the refused type.
* **``HistoryBuffer.__getstate__``** leaves out the buffer's statistics
  functions (looked up through ``getattr``, which must not be
  allow-listed); they are a class-level registry that
  ``HistoryBuffer.__setstate__`` restores anyway.

Independently of the patches, MMEngine's checkpoint types (the message
hub's ``HistoryBuffer`` and the numpy arrays and scalars inside it) are
allow-listed for ``weights_only`` loading; every other type is refused.
"""
import codecs
import os
import os.path as osp
import pickle
import re
import sys
import warnings
from typing import Any, Callable, Optional, Union

import mmengine
import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader
from mmengine.utils import digit_version

_np_core = getattr(np, '_core', None) or np.core  # numpy 2 renamed it


def history_buffer_statistic(owner: type, name: str):
    """Stands in for ``getattr`` when a checkpoint is unpickled: a plain
    mmengine run (saved without bike_mm) pickles each ``HistoryBuffer``
    statistics method as ``getattr(HistoryBuffer, name)``. Only those are
    looked up; anything else is refused."""
    statistics = ('min', 'max', 'current', 'mean',
                  *HistoryBuffer._statistics_methods)
    if owner is not HistoryBuffer or name not in statistics:
        raise pickle.UnpicklingError(
            f'Refused getattr({owner!r}, {name!r}) in a checkpoint: only '
            'HistoryBuffer statistics methods are loaded')
    return getattr(HistoryBuffer, name)


SAFE_CHECKPOINT_GLOBALS = [
    HistoryBuffer,
    np.ndarray,
    np.dtype,
    _np_core.multiarray._reconstruct,
    _np_core.multiarray.scalar,
    codecs.encode,  # how numpy pickles raw bytes
    (history_buffer_statistic, 'builtins.getattr'),
    # numpy >= 1.25 pickles a dtype with its class
    *(type(np.dtype(name)) for name in (
        'bool', 'uint8', 'int32', 'int64', 'float16', 'float32', 'float64')),
]

PATCH_ENV_VAR = 'BIKE_MM_PATCH_SAFE_LOAD'
WRITTEN_FOR = dict(torch='2.6', mmengine='0.10')
MapLocation = Union[None, str, torch.device, Callable]


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded: unreadable, truncated, or
    holding a type that ``weights_only`` loading refuses. The message names
    the file."""


def _refused_type(err: pickle.UnpicklingError) -> Optional[str]:
    """The type torch's weights-only unpickler refused, from its message;
    None when the file is rather broken (no such type: a name cut short by
    a truncation, or no type named at all)."""
    match = re.search(r'GLOBAL (\S+) was not an allowed global', str(err))
    if match:
        module, _, name = match[1].rpartition('.')
        # only modules already imported are looked into: importing one
        # named by an untrusted file would run its code
        if module in sys.modules and not hasattr(sys.modules[module], name):
            return None
        return match[1]
    match = re.search(r'WeightsUnpickler error: (.*)', str(err))
    return match[1].strip() if match else None


def load_checkpoint_file(filename: str,
                         map_location: MapLocation = None) -> Any:
    """``torch.load(filename, weights_only=True)`` with errors naming the
    file.

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
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        refused = _refused_type(err)
        if refused is None:  # a truncated legacy file fails while unpickling
            raise CheckpointError(
                f'Cannot read checkpoint {filename} (truncated or not a '
                f'checkpoint): {str(err).splitlines()[0]}') from None
        raise CheckpointError(
            f'Refused to load checkpoint {filename}: it holds {refused}, '
            'which is not an allowed type; bike_mm loads checkpoints with '
            'weights_only=True only (see docs/checkpoints.md)') from None
    except (RuntimeError, EOFError, IndexError, KeyError, OSError,
            ValueError) as err:
        raise CheckpointError(
            f'Cannot read checkpoint {filename} (truncated or not a '
            f'checkpoint): {type(err).__name__}: '
            f'{str(err).splitlines()[0] if str(err) else ""}') from None


def load_from_local(filename: str, map_location: MapLocation) -> Any:
    """mmengine ``CheckpointLoader`` scheme for local paths."""
    return load_checkpoint_file(filename, map_location)


def load_from_http(filename: str, map_location: MapLocation) -> Any:
    """mmengine ``CheckpointLoader`` scheme for http(s) URLs: downloaded
    into torch's hub cache, then loaded weights-only."""
    try:
        return torch.hub.load_state_dict_from_url(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise CheckpointError(
            f'Refused to load checkpoint {filename}: it holds '
            f'{_refused_type(err)}, which is not an allowed type') from None


def _history_buffer_state(self: HistoryBuffer) -> dict:
    return {
        k: v
        for k, v in self.__dict__.items() if k != 'statistics_methods'
    }


def _check_versions() -> None:
    found = dict(torch=torch.__version__, mmengine=mmengine.__version__)
    if (digit_version(found['torch']) < digit_version(WRITTEN_FOR['torch'])
            or not found['mmengine'].startswith(WRITTEN_FOR['mmengine'] +
                                                '.')):
        warnings.warn(
            'bike_mm.engine.safe_checkpoint was written for torch >= '
            f'{WRITTEN_FOR["torch"]} and mmengine {WRITTEN_FOR["mmengine"]}'
            f'.x, found torch {found["torch"]} and mmengine '
            f'{found["mmengine"]}; {PATCH_ENV_VAR}=0 turns it off',
            stacklevel=2)


def enable_safe_checkpoint_loading() -> None:
    """Allow-list MMEngine's checkpoint types and, unless
    ``BIKE_MM_PATCH_SAFE_LOAD=0``, install the weights-only loaders and the
    ``HistoryBuffer`` state patch (idempotent)."""
    torch.serialization.add_safe_globals(SAFE_CHECKPOINT_GLOBALS)
    if os.environ.get(PATCH_ENV_VAR, '1') == '0':
        return
    _check_versions()
    CheckpointLoader.register_scheme('', load_from_local, force=True)
    CheckpointLoader.register_scheme(('http://', 'https://'),
                                     load_from_http,
                                     force=True)
    HistoryBuffer.__getstate__ = _history_buffer_state
