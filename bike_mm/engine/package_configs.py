"""``_base_ = ['mmaction::...']`` in configs, on current setuptools and
with mmaction2 installed from source.

mmengine 0.10 finds the package of a ``package::path`` base through
``pkg_resources``, which setuptools >= 81 no longer ships, and the config
in ``<package>/.mim/configs``, which an editable install from source (as
mmaction2 1.2.0 needs) does not create: there the configs are in the
checkout's ``configs/``; its metafile lookup fails on mmaction2 1.1.
Importing bike_mm lets mmengine's ``Config`` find packages through
importlib and configs by their path, in ``.mim`` or the checkout.

mmaction's own tools parse the config before it imports bike_mm; there
such a base needs ``pip install 'setuptools<81'`` and a wheel install of
mmaction2 (README, "Install").

What it changes (mmengine 0.10.x): ``is_installed``,
``get_installed_path``, ``_get_external_cfg_path`` and
``_get_external_cfg_base_path`` of ``mmengine.config.config``.
:func:`enable_package_configs` installs them unless
``BIKE_MM_PATCH_PACKAGE_CONFIGS=0``, and only on mmengine 0.10.x.
"""
import importlib.util
import os.path as osp

import mmengine
from mmengine.config import config as mmengine_config
from mmengine.config.utils import MODULE2PACKAGE
from mmengine.utils import check_file_exist

from .patch_guard import patch_allowed

#: The environment variable that turns the patch off (``0``).
ENV_VAR = 'BIKE_MM_PATCH_PACKAGE_CONFIGS'

_PACKAGE2MODULE = {package: module for module, package in
                   MODULE2PACKAGE.items()}


def is_installed(package: str) -> bool:
    """Whether the module of a package (e.g. ``mmaction2``) imports."""
    return importlib.util.find_spec(
        _PACKAGE2MODULE.get(package, package)) is not None


def get_installed_path(package: str) -> str:
    """The folder of a package's module (e.g. ``.../mmaction``)."""
    spec = importlib.util.find_spec(_PACKAGE2MODULE.get(package, package))
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f'{package} is not installed')
    return osp.dirname(spec.origin)


def _mim_folder(package_path: str) -> str:
    """``<package>/.mim``, or the source checkout holding what it links."""
    checkout = osp.dirname(package_path)
    if (not osp.isdir(osp.join(package_path, '.mim'))
            and osp.isfile(osp.join(checkout, 'model-index.yml'))):
        return checkout
    return osp.join(package_path, '.mim')


def external_cfg_path(package_path: str, cfg_file: str) -> str:
    """mmengine's lookup of a config through the metafile index, which
    fails on mmaction2 1.1's metafiles and is absent from a source
    checkout. Refused, so that mmengine takes
    :func:`external_cfg_base_path`: the same file, by its path."""
    raise ValueError(f'{cfg_file}: looked up by its path under configs/')


def external_cfg_base_path(package_path: str, cfg_name: str) -> str:
    """``configs/<cfg_name>`` of the package."""
    cfg_path = osp.join(_mim_folder(package_path), 'configs', cfg_name)
    check_file_exist(cfg_path)
    return cfg_path


def enable_package_configs(version: str = mmengine.__version__) -> bool:
    """Make mmengine's ``Config`` resolve ``package::path`` bases as
    described in the module docstring (idempotent).

    Args:
        version (str): The mmengine version. Defaults to the installed one.

    Returns:
        bool: Whether the patch is installed.
    """
    if not patch_allowed('mmaction:: config base', ENV_VAR, version,
                         "'mmaction::' bases need pkg_resources"):
        return False
    mmengine_config.is_installed = is_installed
    mmengine_config.get_installed_path = get_installed_path
    mmengine_config._get_external_cfg_path = external_cfg_path
    mmengine_config._get_external_cfg_base_path = external_cfg_base_path
    return True
