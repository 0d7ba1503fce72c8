"""Atomic writes: a failed write leaves the previous file intact."""
import os

import pytest
import torch
from mmengine.runner.checkpoint import save_checkpoint

from bike_mm.engine.atomic_local_backend import write_atomically


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    path.write_bytes(b'intact')

    def killed(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, 'fsync', killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(b'new but never finished', path)
    assert path.read_bytes() == b'intact'
    assert os.listdir(tmp_path) == ['epoch_1.pth']  # no temporary left


def test_mmengine_saves_through_the_atomic_backend(tmp_path, monkeypatch):
    written = []
    replace = os.replace
    monkeypatch.setattr(
        os, 'replace', lambda src, dst: written.append(dst) or replace(
            src, dst))
    path = str(tmp_path / 'ckpt.pth')
    save_checkpoint(dict(w=torch.ones(2)), path,
                    backend_args=dict(backend='atomic_local'))
    assert written == [path]
    assert torch.equal(torch.load(path, weights_only=True)['w'],
                       torch.ones(2))
