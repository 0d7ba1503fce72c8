"""A user config inheriting mmaction's own configs (``mmaction::``) loads
with bike_mm imported (conftest), on current setuptools (no
pkg_resources) and with mmaction2 installed from source."""
import os.path as osp

import mmaction
import pytest
from mmengine.config import Config
from mmengine.config import config as mmengine_config

from bike_mm.engine import package_configs
from bike_mm.engine.package_configs import external_cfg_base_path

PATCHED = ('is_installed', 'get_installed_path', '_get_external_cfg_path',
           '_get_external_cfg_base_path')


def test_mmaction_base_config_is_inherited(tmp_path):
    config = tmp_path / 'my_tsn.py'
    config.write_text("_base_ = ['mmaction::_base_/models/tsn_r50.py']\n"
                      'model = dict(cls_head=dict(num_classes=8))\n')
    cfg = Config.fromfile(str(config))
    assert cfg.model.type == 'Recognizer2D'
    assert cfg.model.backbone.depth == 50
    assert cfg.model.cls_head.num_classes == 8


def test_base_path_is_mmaction_config_file():
    package = osp.dirname(mmaction.__file__)
    path = external_cfg_base_path(package, '_base_/models/tsn_r50.py')
    # <package>/.mim/configs (wheel) or <checkout>/configs (from source)
    assert path.endswith(osp.join('configs', '_base_', 'models', 'tsn_r50.py'))
    assert "type='Recognizer2D'" in open(path).read()


@pytest.fixture
def restore_mmengine_config():
    saved = {name: getattr(mmengine_config, name) for name in PATCHED}
    yield
    for name, value in saved.items():
        setattr(mmengine_config, name, value)


def test_guarded_by_version_and_switch(restore_mmengine_config, monkeypatch):
    for name in PATCHED:
        setattr(mmengine_config, name, None)
    monkeypatch.setenv(package_configs.ENV_VAR, '0')
    assert not package_configs.enable_package_configs('0.10.7')
    assert all(getattr(mmengine_config, name) is None for name in PATCHED)
    monkeypatch.delenv(package_configs.ENV_VAR)
    with pytest.warns(UserWarning, match='mmaction:: config base patch was '
                      'written for mmengine 0.10.x, found 0.11.0'):
        assert not package_configs.enable_package_configs('0.11.0')
    assert all(getattr(mmengine_config, name) is None for name in PATCHED)
    assert package_configs.enable_package_configs('0.10.7')
    assert mmengine_config.get_installed_path is \
        package_configs.get_installed_path
