"""mmengine's Runner for a model wrapped in :class:`FullyShardedModel`."""
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..model_wrappers import FullyShardedModel


@RUNNERS.register_module()
class ShardedRunner(Runner):
    """:class:`mmengine.runner.Runner` that trains a
    :class:`FullyShardedModel` (``runner_type = 'ShardedRunner'`` next to
    ``model_wrapper_cfg = dict(type='FullyShardedModel')`` in a config).

    Before training, mmengine's Runner calls the model's ``init_weights``
    and broadcasts every tensor of its state dict from rank 0. The tensors of
    a fully sharded model are shards (DTensors), which a broadcast refuses
    and must not make equal, and the wrapper has initialised and broadcast
    the whole model before sharding it: this Runner skips that step for it.
    Any other model is initialised as by mmengine's Runner.
    """

    def _init_model_weights(self) -> None:
        if not isinstance(self.model, FullyShardedModel):
            super()._init_model_weights()


def check_runner_type(cfg) -> None:
    """A config that wraps its model in :class:`FullyShardedModel` trains
    with :class:`ShardedRunner` (or a subclass).

    Raises:
        ValueError: It selects another runner; the message says what to
            set.
    """
    wrapper = cfg.get('model_wrapper_cfg') or {}
    if wrapper.get('type') not in ('FullyShardedModel', FullyShardedModel):
        return
    runner_type = cfg.get('runner_type', 'Runner')
    runner_cls = RUNNERS.get(runner_type) if isinstance(
        runner_type, str) else runner_type
    if not (isinstance(runner_cls, type)
            and issubclass(runner_cls, ShardedRunner)):
        raise ValueError(
            "model_wrapper_cfg type='FullyShardedModel' trains with "
            f"runner_type='ShardedRunner', not {runner_type!r}: add "
            "runner_type = 'ShardedRunner' to the config (or "
            '--cfg-options runner_type=ShardedRunner)')
