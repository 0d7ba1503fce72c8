"""tools/text4vis_lda.py on the demo data: the classifier file it writes
is what Text4VisHead loads."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config

from tests.helpers import REPO_ROOT, demo_cfg_options, run_tool

pytestmark = pytest.mark.e2e

DEMO = osp.join(REPO_ROOT, 'configs', 'demo', 'text4vis_tiny_demo.py')


def test_lda_tool_on_demo_data(demo_data, tmp_path):
    out = str(tmp_path / 'lda.npy')
    options = [f'{k}={v}' for k, v in demo_cfg_options(demo_data).items()]
    result = run_tool('text4vis_lda.py', DEMO, '--out', out, '--per-class',
                      3, '--num-workers', 0, '--cfg-options', *options)
    assert 'LDA classifier (8, 64) from 24 videos' in result.stdout
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict(demo_cfg_options(demo_data))
    cfg.model.cls_head.update(classifier='file', classifier_file=out)
    head = MODELS.build(cfg.model).cls_head
    assert head.fixed_classifier.shape == (8, 64)
    # the head uses the saved rows, L2-normalised
    saved = torch.from_numpy(np.load(out))
    torch.testing.assert_close(head.fixed_classifier,
                               F.normalize(saved, dim=-1))


def test_out_must_be_npy_before_any_work(tmp_path):
    out = tmp_path / 'lda.txt'
    result = run_tool('text4vis_lda.py', DEMO, '--out', out, check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f'text4vis_lda.py: error: out must be a .npy file, got {out}')
    assert not out.exists()
