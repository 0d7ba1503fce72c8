"""Model, data and checkpoint agreement, checked when the runner starts."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS
from ..resume import resume_options
from ..run_checks import (check_class_names, check_frames_per_clip,
                          check_input_channels, checkpoint_classes)


@HOOKS.register_module()
class RunConsistencyHook(Hook):
    """Stop a run whose settings disagree, before it wastes time or
    silently misreads its data.

    * ``before_run``: every pipeline's frame sampler has
      ``clip_len == model.num_frames``, and ``model.data_preprocessor.mean``
      has as many channels as the backbone takes.
    * Saving: the checkpoint's ``meta.dataset_meta.classes`` holds the
      class names the model was trained with (the model's when the dataset
      has none).
    * Resuming: those names must equal the training set's; a different
      list or order is an error naming the first difference, or a warning
      with ``allow_class_mismatch=True``.

    Args:
        allow_class_mismatch (bool): Resume despite different class names.
            Defaults to False.
    """

    priority = 'VERY_HIGH'

    def __init__(self, allow_class_mismatch: bool = False) -> None:
        self.allow_class_mismatch = allow_class_mismatch

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def before_run(self, runner) -> None:
        model = self._model(runner)
        if isinstance(getattr(model, 'num_frames', None), int):
            check_frames_per_clip(runner.cfg, model.num_frames)
        check_input_channels(runner.cfg, model)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        dataset_meta = checkpoint['meta'].setdefault('dataset_meta', {})
        names = getattr(self._model(runner), 'class_names', None)
        if dataset_meta.get('classes') is None and names is not None:
            dataset_meta['classes'] = list(names)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        resume, load_from = resume_options(runner)
        if not resume:
            return
        dataset = runner.train_dataloader.dataset
        check_class_names(
            checkpoint_classes(checkpoint),
            getattr(dataset, 'metainfo', {}).get('classes'),
            load_from or 'resumed checkpoint',
            'the training set',
            self.allow_class_mismatch,
            option='custom_hooks RunConsistencyHook allow_class_mismatch='
            'True')
