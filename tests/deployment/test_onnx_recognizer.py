"""OnnxRecognizer's view averaging, and onnx as an optional extra."""
import subprocess
import sys

import numpy as np
import pytest
import torch

from bike_mm.deployment import average_views
from bike_mm.deployment.onnx_export import MissingDeployExtra, require
from bike_mm.models.heads import VCSHead
from tests.helpers import checkout_env


@pytest.mark.parametrize('mode', ['prob', 'score', 'released'])
def test_average_views_as_the_head(mode):
    head = VCSHead(num_classes=5, in_channels=8, average_clips=mode)
    logits = torch.randn(6, 5) * 3
    expected = head.average_clip(logits, num_segs=3).numpy()
    np.testing.assert_allclose(
        average_views(logits.numpy(), 3, mode), expected, rtol=1e-5,
        atol=1e-6)


def test_missing_extra_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, 'onnxruntime', None)
    with pytest.raises(MissingDeployExtra,
                       match=r"onnxruntime is not installed: pip install "
                       r"'bike_mm\[deploy\]'"):
        require('onnxruntime')
    # run_tool reports OSErrors in one line
    assert issubclass(MissingDeployExtra, OSError)


def test_import_bike_mm_imports_no_onnx():
    # what bike_mm adds to the modules its dependencies import (mmcv's
    # transformer bricks import onnx on some stacks)
    code = ('import sys, mmaction.models, open_clip; '
            'onnx = lambda: {m for m in sys.modules '
            'if m.split(".")[0] in ("onnx", "onnxruntime", "onnxscript")}; '
            'before = onnx(); import bike_mm, bike_mm.deployment; '
            'print(sorted(onnx() - before))')
    result = subprocess.run([sys.executable, '-c', code], env=checkout_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == '[]'
