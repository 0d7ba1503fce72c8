"""bike_mm: BIKE, Text4Vis and X-CLIP as MMAction2 components.

Importing the package registers every component in mmaction's registries and
makes the OpenMMLab stack work on current PyTorch (checkpoint loading with
``weights_only=True``), on CPU-only machines (gloo distributed runs) and with
``mmaction::`` config bases on current setuptools.
"""
import importlib.util

# mmcv is not in install_requires: users keep the full mmcv built for their
# torch, or mmcv-lite (bike_mm needs no compiled ops)
if importlib.util.find_spec('mmcv') is None:
    raise ImportError(
        'bike_mm needs mmcv (full or lite), which mmaction2 imports: '
        "pip install 'mmcv-lite>=2.0.1,<2.1' for mmaction2 1.1, "
        "'mmcv-lite>=2.0.1,<2.2' for mmaction2 1.2, or the full mmcv of "
        'that range built for your torch.')

from .engine import (  # noqa: E402
    enable_cpu_distributed, enable_package_configs,
    enable_safe_checkpoint_loading, enable_sharded_init)

enable_safe_checkpoint_loading()
enable_cpu_distributed()
enable_sharded_init()
enable_package_configs()

from . import datasets, evaluation, models, structures  # noqa: E402,F401

__version__ = '0.1.0'
