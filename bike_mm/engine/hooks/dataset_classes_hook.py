"""Score the classes of the split being run (open vocabulary)."""
from typing import Dict, Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class DatasetClassesHook(Hook):
    """Before each training, validation and test epoch, sets the model's
    classes (``set_classes``) to the classes of that loop's dataset
    (``metainfo['classes']``, e.g. from ``CheckedVideoDataset(label_file=)``),
    so that a zero-shot config trains on its seen classes and tests on
    unseen ones, each split naming its classes through its own label file.
    Adds ``chance/top1`` (1 / number of classes) to the evaluation metrics,
    printed next to them.
    """
    priority = 'NORMAL'  # before LoggerHook prints the metrics

    def _use_classes(self, runner, dataloader) -> None:
        classes = dataloader.dataset.metainfo.get('classes')
        if not classes:
            raise ValueError(
                'DatasetClassesHook: the dataset has no metainfo["classes"] '
                '(give it a label_file)')
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        if list(classes) != list(model.class_names):
            model.set_classes(list(classes))
        self.num_classes = len(classes)

    def before_train_epoch(self, runner) -> None:
        self._use_classes(runner, runner.train_dataloader)

    def before_val_epoch(self, runner) -> None:
        self._use_classes(runner, runner.val_dataloader)

    def before_test_epoch(self, runner) -> None:
        self._use_classes(runner, runner.test_dataloader)

    def _add_chance(self, metrics: Optional[Dict[str, float]]) -> None:
        if metrics is not None:
            metrics['chance/top1'] = 1.0 / self.num_classes

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._add_chance(metrics)

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._add_chance(metrics)
