"""ShardedRunner: a FullyShardedModel is not initialised and broadcast again
by the Runner; other models are, as by mmengine's Runner."""
import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel

from bike_mm.engine import FullyShardedModel, ShardedRunner
from bike_mm.engine.runners import check_runner_type


class InitCounter(BaseModel):

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def init_weights(self) -> None:
        self.calls += 1

    def forward(self, *args, **kwargs) -> None:
        return None


def runner_of(model) -> ShardedRunner:
    """A ShardedRunner holding ``model``, all that weight init reads."""
    runner = ShardedRunner.__new__(ShardedRunner)
    runner.model = model
    return runner


def test_only_models_that_are_not_sharded_are_initialised():
    model = InitCounter()
    runner_of(model)._init_model_weights()
    assert model.calls == 1
    # the wrapper has initialised its model already: not again
    wrapper = FullyShardedModel.__new__(FullyShardedModel)
    torch.nn.Module.__init__(wrapper)
    wrapper.module = model
    runner_of(wrapper)._init_model_weights()
    assert model.calls == 1


def test_fully_sharded_model_needs_the_sharded_runner():
    fsdp = dict(model_wrapper_cfg=dict(type='FullyShardedModel'))
    with pytest.raises(ValueError, match="runner_type='ShardedRunner', not "
                       "'Runner': add runner_type = 'ShardedRunner'"):
        check_runner_type(Config(fsdp))
    check_runner_type(Config(dict(fsdp, runner_type='ShardedRunner')))
    check_runner_type(Config(dict(model_wrapper_cfg=None)))
