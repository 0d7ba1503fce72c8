"""torch_compat: each capability decided by what torch has, with absence
simulated here (on a fresh copy of the module, or by monkeypatching), and
the restricted unpickler refusing everything outside its allow-list."""
import collections
import importlib.util
import io
import os
import pickle

import numpy as np
import pytest
import torch
import torch.distributed.fsdp

from bike_mm.utils import torch_compat
from bike_mm.utils.torch_compat import (
    RefusedGlobal,
    TorchFeatureMissing,
    restricted_pickle_module,
)


def fresh_torch_compat():
    """A new copy of the module, importing what torch has now."""
    spec = importlib.util.spec_from_file_location('fresh_torch_compat',
                                                  torch_compat.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- FSDP2 and DTensor ---------------------------------------------------


def test_without_fully_shard_the_names_are_none_and_the_error_one_line(
        monkeypatch):
    monkeypatch.delattr(torch.distributed.fsdp, 'fully_shard',
                        raising=False)
    compat = fresh_torch_compat()
    assert compat.fully_shard is None and compat.FSDPModule is None
    assert not compat.fully_shard_available()
    with pytest.raises(compat.TorchFeatureMissing) as err:
        compat.require_fully_shard('model_wrapper_cfg.type=X')
    assert str(err.value) == (
        'model_wrapper_cfg.type=X needs torch.distributed.fsdp.fully_shard '
        f'with ignored_params (torch >= 2.7); this torch is '
        f'{torch.__version__}')
    assert isinstance(err.value, ValueError)  # the tools' user errors


def test_fully_shard_without_ignored_params_is_not_enough(monkeypatch):

    def older_fully_shard(module, *, mesh=None):
        return module

    monkeypatch.setattr(torch_compat, 'fully_shard', older_fully_shard)
    assert not torch_compat.fully_shard_available()
    with pytest.raises(TorchFeatureMissing, match='needs torch'):
        torch_compat.require_fully_shard('apply_fully_shard')


def test_fully_shard_is_found_where_torch_has_it():
    from_torch = getattr(torch.distributed.fsdp, 'fully_shard', None)
    assert torch_compat.fully_shard is from_torch
    if torch_compat.fully_shard_available():
        torch_compat.require_fully_shard('anything')  # no error


def test_without_dtensor_nothing_is_a_dtensor(monkeypatch):
    monkeypatch.setattr(torch_compat, 'DTensor', None)
    assert not torch_compat.is_dtensor(torch.zeros(1))


# --- out of memory ---------------------------------------------------------


def test_out_of_memory_error_catches_what_cuda_raises(monkeypatch):
    assert issubclass(torch.cuda.OutOfMemoryError,
                      torch_compat.OutOfMemoryError)
    monkeypatch.delattr(torch, 'OutOfMemoryError', raising=False)
    assert fresh_torch_compat().OutOfMemoryError is \
        torch.cuda.OutOfMemoryError


# --- fused optimizers ------------------------------------------------------


class CudaOnlyFused(torch.optim.SGD):
    """Refuses fused=True as torch 2.1's AdamW does for CPU parameters."""

    def __init__(self, params, lr=0.1, fused=None):
        if fused:
            raise RuntimeError('`fused=True` requires all the params to be '
                               "floating point Tensors of supported devices: "
                               "['cuda']")
        super().__init__(params, lr=lr)


class AnyDeviceFused(torch.optim.SGD):

    def __init__(self, params, lr=0.1, fused=None):
        super().__init__(params, lr=lr)


class NoFusedArgument(torch.optim.SGD):

    def __init__(self, params, lr=0.1):
        super().__init__(params, lr=lr)


@pytest.mark.parametrize('optimizer_class,available',
                         [(CudaOnlyFused, False), (AnyDeviceFused, True),
                          (NoFusedArgument, False)])
def test_fused_kernel_is_tried_on_the_device(optimizer_class, available):
    assert torch_compat.fused_kernel_available(optimizer_class,
                                               'cpu') is available


def test_fused_adamw_on_cpu_is_what_torch_accepts():
    try:
        torch.optim.AdamW([torch.zeros(1, requires_grad=True)], fused=True)
        accepted = True
    except RuntimeError:
        accepted = False
    assert torch_compat.fused_kernel_available(torch.optim.AdamW,
                                               'cpu') is accepted


# --- weights-only allow-list -----------------------------------------------


@pytest.fixture
def fresh_probe():
    torch_compat.weights_only_takes_renamed_entries.cache_clear()
    yield
    torch_compat.weights_only_takes_renamed_entries.cache_clear()


def test_without_safe_globals_torch_cannot_take_the_allow_list(
        monkeypatch, fresh_probe):
    monkeypatch.delattr(torch.serialization, 'safe_globals', raising=False)
    assert not torch_compat.weights_only_takes_renamed_entries()


def test_safe_globals_without_renamed_entries_is_not_enough(
        monkeypatch, fresh_probe):
    import contextlib

    @contextlib.contextmanager
    def plain_entries_only(entries):
        # as torch 2.5's: an entry must be the object itself
        names = [f'{entry.__module__}.{entry.__name__}' for entry in entries]
        assert names
        yield

    monkeypatch.setattr(torch.serialization, 'safe_globals',
                        plain_entries_only, raising=False)
    assert not torch_compat.weights_only_takes_renamed_entries()


def test_scoped_allow_list_is_left_as_it_was(fresh_probe):
    if not torch_compat.weights_only_takes_renamed_entries():
        pytest.skip(f'torch {torch.__version__} cannot take a scoped '
                    'allow-list (the restricted unpickler is used)')
    buffer = io.BytesIO()
    torch.save(AllowListed, buffer)
    with torch_compat.weights_only_allow_list([AllowListed]):
        buffer.seek(0)
        assert torch.load(buffer, weights_only=True) is AllowListed
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match='AllowListed'):
        torch.load(buffer, weights_only=True)


# --- restricted unpickler ---------------------------------------------------


class AllowListed:
    pass


class NotAllowListed:
    pass


class Runs:
    """Unpickling it calls ``function(*args)``."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def restricted_load(obj, zip_format=True, entries=(AllowListed, )):
    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=zip_format)
    buffer.seek(0)
    return torch.load(buffer, weights_only=False,
                      pickle_module=restricted_pickle_module(list(entries)))


@pytest.mark.parametrize('zip_format', [True, False])
def test_tensors_containers_and_entries_load(zip_format):
    state = collections.OrderedDict(
        weight=torch.nn.Parameter(torch.arange(6.).view(2, 3)),
        half=torch.ones(2, dtype=torch.float16),
        scalars=[1, 2.5, 'a', b'b', None, True, (1, 2), {3}, 1j],
        cls=AllowListed)
    loaded = restricted_load(state, zip_format)
    assert type(loaded) is collections.OrderedDict
    assert torch.equal(loaded['weight'], state['weight'])
    assert isinstance(loaded['weight'], torch.nn.Parameter)
    assert loaded['half'].dtype == torch.float16
    assert loaded['scalars'] == state['scalars']
    assert loaded['cls'] is AllowListed


@pytest.mark.parametrize('zip_format', [True, False])
@pytest.mark.parametrize('payload,refused', [
    (lambda marker: Runs(os.system, f'touch {marker}'),
     f'{os.system.__module__}.system'),
    (lambda marker: Runs(eval, f'open({str(marker)!r}, "w")'),
     'builtins.eval'),
    (lambda marker: Runs(open, str(marker), 'w'), 'io.open'),
    (lambda marker: NotAllowListed(),
     f'{__name__}.NotAllowListed'),
])
def test_other_globals_are_refused_before_they_run(tmp_path, zip_format,
                                                   payload, refused):
    marker = tmp_path / 'created_by_unpickling'
    with pytest.raises(RefusedGlobal) as err:
        restricted_load(dict(x=payload(marker)), zip_format)
    assert err.value.name == refused
    assert str(err.value) == f'GLOBAL {refused} was not an allowed global'
    assert not marker.exists()


def test_an_entry_is_admitted_under_the_name_it_is_given():
    with pytest.raises(RefusedGlobal):
        restricted_load(NotAllowListed, entries=[])
    loaded = restricted_load(
        NotAllowListed,
        entries=[(AllowListed, f'{__name__}.NotAllowListed')])
    assert loaded is AllowListed


# --- numpy -----------------------------------------------------------------


@pytest.mark.parametrize('package', ['numpy.core', 'numpy._core'])
def test_numpy_arrays_and_scalars_load_under_both_names(package):
    """A checkpoint written with numpy 1.x (``numpy.core``) or 2.x
    (``numpy._core``) loads with either."""
    obj = dict(array=np.arange(4, dtype=np.float32), scalar=np.float64(2.5))
    data = pickle.dumps(obj, protocol=2)
    for written in (b'numpy.core.multiarray', b'numpy._core.multiarray'):
        data = data.replace(written, package.encode() + b'.multiarray')
    assert package.encode() + b'.multiarray' in data
    module = restricted_pickle_module([
        np.ndarray, np.dtype, *torch_compat.numpy_pickle_globals(),
        *(type(np.dtype(name)) for name in ('float32', 'float64'))
    ])
    loaded = module.load(io.BytesIO(data))
    assert np.array_equal(loaded['array'], obj['array'])
    assert loaded['array'].dtype == np.float32
    assert loaded['scalar'] == 2.5


# --- parameter data --------------------------------------------------------


@pytest.mark.parametrize('has_swap_tensors', [True, False])
def test_parameter_data_is_replaced_in_the_same_object(monkeypatch,
                                                       has_swap_tensors):
    if not has_swap_tensors:
        monkeypatch.delattr(torch.utils, 'swap_tensors', raising=False)
    elif not hasattr(torch.utils, 'swap_tensors'):
        pytest.skip(f'torch {torch.__version__} has no swap_tensors')
    param = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=1.0)
    data = torch.ones(2, dtype=torch.float64)
    torch_compat.replace_parameter_data(param, data)
    assert optimizer.param_groups[0]['params'][0] is param
    assert isinstance(param, torch.nn.Parameter) and param.requires_grad
    assert torch.equal(param.detach(), data)
    assert param.data_ptr() == data.data_ptr()  # no copy (a memory map)
