"""Checkpoint loading stays weights_only: with bike_mm imported (conftest),
mmengine's own types are allow-listed, anything else is still refused."""
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import _load_checkpoint

from bike_mm.engine import safe_checkpoint
from bike_mm.engine.safe_checkpoint import (CheckpointError,
                                            load_checkpoint_file)
from tests.helpers import checkout_env


class NotAllowListed:
    pass


def test_message_hub_state_round_trips_with_weights_only(tmp_path):
    hub = MessageHub.get_instance('safe_checkpoint_test')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('iter', 7)
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(message_hub=hub.state_dict(),
                    weight=torch.ones(2)), path)
    loaded = torch.load(path, weights_only=True)
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(1.0)
    assert buffer.max() == pytest.approx(1.5)  # statistics re-registered
    assert loaded['message_hub']['runtime_info']['iter'] == 7


def test_other_types_are_still_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(payload=NotAllowListed()), path)
    with pytest.raises(pickle.UnpicklingError, match='NotAllowListed'):
        torch.load(path, weights_only=True)


class CreatesFileWhenUnpickled:
    """Unpickling it opens (creates) a file: stands for arbitrary code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), 'w'))


def crafted_checkpoint(path, marker, zip_format=True):
    torch.save(dict(state_dict={}, payload=CreatesFileWhenUnpickled(marker)),
               str(path), _use_new_zipfile_serialization=zip_format)
    return str(path)


@pytest.mark.parametrize('zip_format', [True, False])
def test_crafted_checkpoint_never_runs_even_when_torch_is_told_to(
        tmp_path, monkeypatch, zip_format):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'created_by_unpickling'
    path = crafted_checkpoint(tmp_path / 'evil.pth', marker, zip_format)
    with pytest.raises(CheckpointError) as err:
        _load_checkpoint(path, map_location='cpu')
    assert not marker.exists()
    assert str(err.value).startswith(f'Refused to load checkpoint {path}: '
                                     'it holds io.open,')
    with pytest.raises(CheckpointError):
        CheckpointLoader.load_checkpoint(path, 'cpu')
    assert not marker.exists()


@pytest.mark.parametrize('zip_format', [True, False])
def test_truncated_checkpoint_is_named_as_unreadable(tmp_path, zip_format):
    good = tmp_path / 'good.pth'
    torch.save(dict(weight=torch.ones(100)), good,
               _use_new_zipfile_serialization=zip_format)
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(CheckpointError,
                       match=f'Cannot read checkpoint {truncated} '
                       r'\(truncated or not a checkpoint\)'):
        load_checkpoint_file(str(truncated))


def test_missing_folder_and_missing_file_are_told_apart(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=f'Checkpoint folder not found: {tmp_path}/no'):
        load_checkpoint_file(str(tmp_path / 'no' / 'x.pth'))
    with pytest.raises(FileNotFoundError,
                       match=f'Checkpoint not found: {tmp_path}/x.pth'):
        load_checkpoint_file(str(tmp_path / 'x.pth'))


def test_patch_is_installed_and_can_be_turned_off(tmp_path):
    assert CheckpointLoader._get_checkpoint_loader('a.pth') is \
        safe_checkpoint.load_from_local
    script = ('import bike_mm; from mmengine.runner import CheckpointLoader;'
              'print(CheckpointLoader._get_checkpoint_loader("a.pth")'
              '.__module__)')
    result = subprocess.run(
        [sys.executable, '-c', script], capture_output=True, text=True,
        env=checkout_env(BIKE_MM_PATCH_SAFE_LOAD='0'), timeout=300)
    assert result.stdout.strip() == 'mmengine.runner.checkpoint'


def test_other_versions_are_warned_about(monkeypatch):
    monkeypatch.setattr(safe_checkpoint.mmengine, '__version__', '0.11.0')
    with pytest.warns(UserWarning, match='written for torch >= 2.6 and '
                      'mmengine 0.10.x, found .* mmengine 0.11.0'):
        safe_checkpoint.enable_safe_checkpoint_loading()


class GetattrOfNumpy:
    """Pickles as ``getattr(np.ndarray, 'tofile')``."""

    def __reduce__(self):
        return getattr, (np.ndarray, 'tofile')


def test_plain_mmengine_statistics_methods_load(tmp_path):
    # without bike_mm's HistoryBuffer.__getstate__, mmengine pickles the
    # statistics methods, as getattr(HistoryBuffer, name) (protocol 2)
    path = tmp_path / 'plain.pth'
    torch.save(dict(statistics_methods=dict(mean=HistoryBuffer.mean)), path)
    loaded = torch.load(path, weights_only=True)
    assert loaded['statistics_methods']['mean'] is HistoryBuffer.mean


def test_other_getattr_is_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(payload=GetattrOfNumpy()), path)
    with pytest.raises(pickle.UnpicklingError, match="getattr.*'tofile'"):
        torch.load(path, weights_only=True)
