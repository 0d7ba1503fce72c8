"""bike_mm: BIKE, Text4Vis and X-CLIP as MMAction2 components.

Importing the package registers its components (models, datasets,
transforms, metrics, hooks, model wrappers, runners, file backends and
checkpoint loader schemes) in the OpenMMLab registries; it assigns no
function, method or attribute of mmengine, mmaction or torch.
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

from .engine import enable_safe_checkpoint_loading  # noqa: E402

enable_safe_checkpoint_loading()

from . import datasets, evaluation, models, structures  # noqa: E402,F401

__version__ = '0.1.0'
