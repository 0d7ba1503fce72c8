"""Let mmengine's ``Runner`` train a :class:`FullyShardedModel`.

What it changes (mmengine 0.10.x, the version it was written for):
``Runner._init_model_weights``, which calls the model's ``init_weights`` and
then broadcasts every tensor of its state dict from rank 0, skips a
:class:`FullyShardedModel`: its tensors are shards (DTensors), which a
broadcast refuses and must not make equal, and the wrapper has already
initialised and broadcast the whole model before sharding it.

:func:`enable_sharded_init` (called when bike_mm is imported) installs it
unless the environment variable ``BIKE_MM_PATCH_SHARDED_INIT=0`` is set, and
only on mmengine 0.10.x: on another version it warns and leaves mmengine
alone.
"""
import mmengine
from mmengine.runner import Runner

from ..patch_guard import patch_allowed
from .fully_sharded import FullyShardedModel

#: The environment variable that turns the patch off (``0``).
ENV_VAR = 'BIKE_MM_PATCH_SHARDED_INIT'

_init_model_weights = Runner._init_model_weights


def _init_unsharded_model_weights(self) -> None:
    if not isinstance(self.model, FullyShardedModel):
        _init_model_weights(self)


def sharded_init_enabled() -> bool:
    """Whether mmengine is patched now."""
    return Runner._init_model_weights is _init_unsharded_model_weights


def enable_sharded_init(version: str = mmengine.__version__) -> bool:
    """Install the patch (idempotent), unless turned off by
    ``BIKE_MM_PATCH_SHARDED_INIT=0`` or ``version`` is not a supported
    mmengine version (then with a warning).

    Args:
        version (str): The mmengine version. Defaults to the installed one.

    Returns:
        bool: Whether the patch is installed.
    """
    if not patch_allowed('sharded init', ENV_VAR, version,
                         'FullyShardedModel cannot train'):
        return False
    Runner._init_model_weights = _init_unsharded_model_weights
    return True


def disable_sharded_init() -> None:
    """Restore mmengine's own method."""
    Runner._init_model_weights = _init_model_weights
