"""A user config inheriting mmaction's own configs (``mmaction::``) loads
with bike_mm imported (conftest), on current setuptools (no
pkg_resources) and with mmaction2 installed from source."""
import os.path as osp

import mmaction
from mmengine.config import Config

from bike_mm.engine.package_configs import external_cfg_base_path


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
