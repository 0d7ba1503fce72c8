"""bike_mm: BIKE, Text4Vis and X-CLIP as MMAction2 components.

Importing the package registers every component in mmaction's registries and
makes the OpenMMLab stack work on current PyTorch (checkpoint loading with
``weights_only=True``) and on CPU-only machines (gloo distributed runs).
"""
from .engine import enable_cpu_distributed, enable_safe_checkpoint_loading

enable_safe_checkpoint_loading()
enable_cpu_distributed()

from . import datasets, evaluation, models, structures  # noqa: E402,F401

__version__ = '0.1.0'
