"""Load MMEngine checkpoints with ``torch.load(weights_only=True)``.

Since PyTorch 2.6 ``torch.load`` refuses every type it does not know, and
MMEngine's checkpoints carry a few: the message hub's ``HistoryBuffer`` and
the numpy arrays and scalars inside it. Instead of turning ``weights_only``
off, which would let a checkpoint run arbitrary code, these exact types are
allow-listed.

``HistoryBuffer`` also pickles its statistics functions (looked up through
``getattr``, which must not be allow-listed). They are a class-level registry
that ``HistoryBuffer.__setstate__`` restores anyway, so they are left out of
the pickled state.
"""
import codecs
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

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


def _history_buffer_state(self: HistoryBuffer) -> dict:
    return {
        k: v
        for k, v in self.__dict__.items() if k != 'statistics_methods'
    }


def enable_safe_checkpoint_loading() -> None:
    """Allow-list MMEngine's checkpoint types and keep functions out of
    saved ``HistoryBuffer`` states."""
    torch.serialization.add_safe_globals(SAFE_CHECKPOINT_GLOBALS)
    HistoryBuffer.__getstate__ = _history_buffer_state
