"""tools/convert_released_checkpoint.py: a bad source is one line naming
it, with no traceback and nothing written."""
import pytest
import torch

from tests.helpers import run_tool

pytestmark = pytest.mark.e2e


def test_bad_sources_are_one_line(tmp_path):
    missing = tmp_path / 'missing.pt'
    dst = tmp_path / 'out.pth'
    result = run_tool('convert_released_checkpoint.py', missing, dst,
                      check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        'convert_released_checkpoint.py: error: Released checkpoint not '
        f'found: {missing}')

    # no CLIP in it: its architecture, and so its config, is unknown
    unknown = tmp_path / 'unknown.pt'
    torch.save(dict(model_state_dict={}), unknown)
    result = run_tool('convert_released_checkpoint.py', unknown, dst,
                      check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        'convert_released_checkpoint.py: error: Cannot tell the CLIP '
        'architecture of the checkpoint; pass a config')
    assert 'Traceback' not in result.stderr
    assert not dst.exists()
