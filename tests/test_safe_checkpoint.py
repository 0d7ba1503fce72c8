"""Checkpoint loading stays weights_only: with bike_mm imported (conftest),
mmengine's own types are allow-listed, anything else is still refused."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub


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
