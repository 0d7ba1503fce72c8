"""Checkpoint loading through the allow-list on every torch: mmengine's own
types load (also from a real mmengine run), anything else is refused and
never runs, whichever way the installed torch supports (torch's scoped
weights-only allow-list, or the restricted unpickler, both tested where
torch has the first)."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.model import BaseModel
from mmengine.runner import CheckpointLoader, Runner
from mmengine.runner.checkpoint import _load_checkpoint
from torch.utils.data import Dataset

from bike_mm.engine import safe_checkpoint
from bike_mm.engine.safe_checkpoint import (
    CheckpointError,
    load_checkpoint_file,
)
from bike_mm.utils import torch_compat
from tests.helpers import checkout_env


@pytest.fixture(params=['weights_only', 'restricted_unpickler'])
def loading_path(request, monkeypatch):
    """A test once per way of loading the installed torch has."""
    if request.param == 'restricted_unpickler':
        monkeypatch.setattr(safe_checkpoint,
                            'weights_only_takes_renamed_entries',
                            lambda: False)
    elif not torch_compat.weights_only_takes_renamed_entries():
        pytest.skip(f'torch {torch.__version__} cannot take a scoped '
                    'allow-list: only the restricted unpickler is used')
    return request.param


both_loading_paths = pytest.mark.usefixtures('loading_path')


class NotAllowListed:
    pass


@both_loading_paths
def test_message_hub_state_round_trips(tmp_path):
    hub = MessageHub.get_instance('safe_checkpoint_test')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('iter', 7)
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(message_hub=hub.state_dict(),
                    weight=torch.ones(2)), path)
    loaded = load_checkpoint_file(str(path))
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(1.0)
    assert buffer.max() == pytest.approx(1.5)
    assert loaded['message_hub']['runtime_info']['iter'] == 7


class Numbers(Dataset):

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return dict(inputs=torch.tensor([float(i)]))


class LineModel(BaseModel):
    """The smallest mmengine model: a loss for a batch of numbers."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, inputs, data_samples=None, mode='loss'):
        return dict(loss=self.linear(inputs).pow(2).mean())


@both_loading_paths
def test_a_plain_mmengine_run_checkpoint_loads_and_resumes(tmp_path):
    """What mmengine writes by itself (no bike_mm hook): its message hub's
    HistoryBuffers with ``getattr(HistoryBuffer, name)``, numpy scalars,
    optimizer and scheduler states."""

    def runner(work_dir, max_epochs, **kwargs):
        return Runner(
            model=LineModel(), work_dir=str(work_dir),
            train_dataloader=dict(
                dataset=Numbers(), batch_size=2,
                sampler=dict(type='DefaultSampler', shuffle=False),
                collate_fn=dict(type='default_collate')),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
            param_scheduler=dict(type='MultiStepLR', milestones=[1]),
            train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
            default_hooks=dict(logger=dict(type='LoggerHook', interval=1)),
            # the suite's scope: a Runner makes its scope the current one
            default_scope='mmaction', **kwargs)

    runner(tmp_path, 1).train()
    path = str(tmp_path / 'epoch_1.pth')
    raw = open(path, 'rb').read()
    assert b'getattr' in raw and b'HistoryBuffer' in raw
    loaded = load_checkpoint_file(path)
    assert loaded['meta']['epoch'] == 1
    assert isinstance(
        loaded['message_hub']['log_scalars']['train/loss'], HistoryBuffer)
    resumed = runner(tmp_path / 'resumed', 2, resume=True, load_from=path)
    resumed.train()
    assert resumed.epoch == 2


@both_loading_paths
def test_other_types_are_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(payload=NotAllowListed()), path)
    with pytest.raises(CheckpointError, match='it holds .*NotAllowListed'):
        load_checkpoint_file(str(path))


@both_loading_paths
def test_torch_allow_list_is_left_alone(tmp_path):
    """Loading through bike_mm admits nothing for a plain ``torch.load``
    afterwards (the allow-list is scoped, not added to torch's)."""
    path = tmp_path / 'hub.pth'
    buffer = HistoryBuffer()
    buffer.update(1.0)
    torch.save(dict(buffer=buffer), path)
    load_checkpoint_file(str(path))
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


class CreatesFileWhenUnpickled:
    """Unpickling it opens (creates) a file: stands for arbitrary code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), 'w'))


class RunsShellWhenUnpickled(CreatesFileWhenUnpickled):
    """Unpickling it runs a shell command that creates a file."""

    def __reduce__(self):
        return (os.system, (f'touch {self.path}', ))


def crafted_checkpoint(path, marker, zip_format=True,
                       payload=CreatesFileWhenUnpickled):
    torch.save(dict(state_dict={}, payload=payload(marker)),
               str(path), _use_new_zipfile_serialization=zip_format)
    return str(path)


@both_loading_paths
@pytest.mark.parametrize('zip_format', [True, False])
@pytest.mark.parametrize('payload,refused', [
    (CreatesFileWhenUnpickled, 'io.open'),
    (RunsShellWhenUnpickled, f'{os.system.__module__}.system'),
])
def test_crafted_checkpoint_never_runs_even_when_torch_is_told_to(
        tmp_path, monkeypatch, zip_format, payload, refused):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'created_by_unpickling'
    path = crafted_checkpoint(tmp_path / 'evil.pth', marker, zip_format,
                              payload)
    with pytest.raises(CheckpointError) as err:
        _load_checkpoint(path, map_location='cpu')
    assert not marker.exists()
    assert str(err.value).startswith(f'Refused to load checkpoint {path}: '
                                     f'it holds {refused},')
    with pytest.raises(CheckpointError):
        CheckpointLoader.load_checkpoint(path, 'cpu')
    assert not marker.exists()


@both_loading_paths
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


def test_loaders_are_registered_and_can_be_turned_off(tmp_path):
    assert CheckpointLoader._get_checkpoint_loader('a.pth') is \
        safe_checkpoint.load_from_local
    assert CheckpointLoader._get_checkpoint_loader('https://a/b.pth') is \
        safe_checkpoint.load_from_http
    script = ('import bike_mm; from mmengine.runner import CheckpointLoader;'
              'print(CheckpointLoader._get_checkpoint_loader("a.pth")'
              '.__module__)')
    result = subprocess.run(
        [sys.executable, '-c', script], capture_output=True, text=True,
        env=checkout_env(BIKE_MM_PATCH_SAFE_LOAD='0'), timeout=300)
    assert result.stdout.strip() == 'mmengine.runner.checkpoint'


@pytest.mark.parametrize('rank', [0, 1])
def test_http_checkpoints_are_downloaded_by_rank_0_first(
        tmp_path, monkeypatch, rank):
    """As mmengine's own loader: rank 0 downloads while the others wait at
    a barrier, then they find it in the cache; then all load it through
    the allow-list."""
    source = tmp_path / 'served' / 'model.pth'
    source.parent.mkdir()
    torch.save(dict(state_dict=dict(w=torch.ones(2))), source)
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'home'))
    events = []
    monkeypatch.setattr(safe_checkpoint, 'get_dist_info', lambda: (rank, 2))
    monkeypatch.setattr(safe_checkpoint, 'barrier',
                        lambda: events.append('barrier'))
    download = safe_checkpoint._download
    monkeypatch.setattr(
        safe_checkpoint, '_download',
        lambda url: events.append('download') or download(url))
    loaded = safe_checkpoint.load_from_http(source.as_uri(), 'cpu')
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))
    assert events == (['download', 'barrier'] if rank == 0 else
                      ['barrier', 'download'])
    assert (tmp_path / 'home' / 'hub' / 'checkpoints' / 'model.pth').exists()


class GetattrOfNumpy:
    """Pickles as ``getattr(np.ndarray, 'tofile')``."""

    def __reduce__(self):
        return getattr, (np.ndarray, 'tofile')


@both_loading_paths
def test_plain_mmengine_statistics_methods_load(tmp_path):
    # mmengine pickles the statistics methods as
    # getattr(HistoryBuffer, name) (protocol 2)
    path = tmp_path / 'plain.pth'
    torch.save(dict(statistics_methods=dict(mean=HistoryBuffer.mean)), path)
    loaded = load_checkpoint_file(str(path))
    assert loaded['statistics_methods']['mean'] is HistoryBuffer.mean


@both_loading_paths
@pytest.mark.parametrize('zip_format', [True, False])
def test_other_getattr_is_refused(tmp_path, zip_format):
    path = tmp_path / 'evil.pth'
    torch.save(dict(payload=GetattrOfNumpy()), path,
               _use_new_zipfile_serialization=zip_format)
    with pytest.raises(
            CheckpointError,
            match=r"it holds getattr\(numpy.ndarray, 'tofile'\), which"):
        load_checkpoint_file(str(path))
