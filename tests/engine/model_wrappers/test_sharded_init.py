"""The Runner's weight-init patch for FullyShardedModel: guarded by version,
can be turned off, reversible, and leaves other models to mmengine."""
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner

from bike_mm.engine import FullyShardedModel
from bike_mm.engine.model_wrappers import sharded_init as patch


@pytest.fixture
def restore():
    was = patch.sharded_init_enabled()
    yield
    patch.disable_sharded_init()
    if was:
        patch.enable_sharded_init()


class InitCounter(BaseModel):

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def init_weights(self) -> None:
        self.calls += 1

    def forward(self, *args, **kwargs) -> None:
        return None


class FakeRunner:
    """What ``Runner._init_model_weights`` reads: ``model``."""

    def __init__(self, model) -> None:
        self.model = model


def test_installed_on_import_and_reversible(restore):
    assert patch.sharded_init_enabled()
    patch.disable_sharded_init()
    assert Runner._init_model_weights is patch._init_model_weights
    assert patch.enable_sharded_init('0.10.7')
    assert Runner._init_model_weights is patch._init_unsharded_model_weights


def test_other_models_are_initialised_by_mmengine(restore):
    model = InitCounter()
    Runner._init_model_weights(FakeRunner(model))
    assert model.calls == 1
    # the wrapper has initialised its model already: not again
    wrapper = FullyShardedModel.__new__(FullyShardedModel)
    torch.nn.Module.__init__(wrapper)
    wrapper.module = model
    Runner._init_model_weights(FakeRunner(wrapper))
    assert model.calls == 1


def test_other_mmengine_version_is_left_alone(restore):
    patch.disable_sharded_init()
    with pytest.warns(UserWarning, match='written for mmengine 0.10.x, '
                      'found 0.11.0'):
        assert not patch.enable_sharded_init('0.11.0')
    assert not patch.sharded_init_enabled()


def test_env_var_turns_it_off(restore, monkeypatch):
    patch.disable_sharded_init()
    monkeypatch.setenv('BIKE_MM_PATCH_SHARDED_INIT', '0')
    assert not patch.enable_sharded_init()
    assert not patch.sharded_init_enabled()
