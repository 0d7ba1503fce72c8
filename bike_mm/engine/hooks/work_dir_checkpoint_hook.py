"""mmengine's CheckpointHook confined to the run's own work dir, with atomic
writes and a resume that never follows a checkpoint it should not."""
import os
import os.path as osp
from typing import Dict, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.runner import find_latest_checkpoint

from mmaction.registry import HOOKS
from ..atomic_local_backend import AtomicLocalBackend  # noqa: F401
from ..resume import (checkpoint_dir, confine_to_work_dir,
                      find_resumable_checkpoint, is_inside, resume_options)


@HOOKS.register_module()
class WorkDirCheckpointHook(CheckpointHook):
    """:class:`mmengine.hooks.CheckpointHook` that never reaches outside
    the run's work dir and never leaves it without an intact checkpoint.

    * **Resume** (``resume=True`` without a checkpoint path, as mmaction's
      ``tools/train.py --resume`` asks): mmengine resumes from what
      ``last_checkpoint`` records. When that is not the newest intact
      checkpoint of the work dir (:func:`find_resumable_checkpoint`: it is
      unreadable, refused, or outside the work dir, or there is no record
      while checkpoints exist, which training from scratch would
      overwrite), the run stops before loading anything, naming the
      checkpoint to pass explicitly. bike_mm's ``tools/train.py --resume``
      decides the checkpoint itself before the Runner is built.
    * **Best checkpoints** recorded by a checkpoint from another directory
      (a copied work dir) are never deleted; the file of the same name in
      this work dir is used instead. The previous best is removed only
      after the new best is written.
    * **Writes** are atomic (``backend_args=dict(backend='atomic_local')``
      unless other ``backend_args`` are given): a killed run leaves the
      previous file intact, never a truncated one.

    Args:
        backend_args (dict, optional): As for ``CheckpointHook``; defaults
            to the atomic local backend.
        **kwargs: Other arguments of :class:`CheckpointHook`.
    """

    def __init__(self, backend_args: Optional[dict] = None, **kwargs) -> None:
        super().__init__(
            backend_args=backend_args or dict(backend='atomic_local'),
            **kwargs)

    def before_run(self, runner) -> None:
        resume, load_from = resume_options(runner)
        if not resume or load_from is not None:
            return
        # out_dir is still the configured one (before_train completes it)
        found = find_resumable_checkpoint(
            runner.work_dir, self.filename_tmpl,
            checkpoint_dir(runner.work_dir, self.out_dir))
        followed = find_latest_checkpoint(runner.work_dir)
        if found is None and followed is None:
            return  # nothing to resume: mmengine trains from scratch
        if found is None or followed is None or \
                osp.realpath(found) != osp.realpath(followed):
            raise ValueError(
                f'Resuming {runner.work_dir} would follow '
                f'{followed or "no checkpoint"} (its last_checkpoint), but '
                + (f'the checkpoint to resume is {found}: resume from it '
                   f'explicitly (--resume {found})' if found else
                   'it is outside the work dir')
                + "; bike_mm's tools/train.py --resume finds it itself")

    def _best_paths(self) -> Dict[str, Optional[str]]:
        if len(self.key_indicators) == 1:
            return {'best_ckpt': self.best_ckpt_path}
        return {
            f'best_ckpt_{key}': path
            for key, path in self.best_ckpt_path_dict.items()
        }

    def _set_best_paths(self, paths: Dict[str, Optional[str]]) -> None:
        if len(self.key_indicators) == 1:
            self.best_ckpt_path = paths['best_ckpt']
        else:
            self.best_ckpt_path_dict = {
                info_key[len('best_ckpt_'):]: path
                for info_key, path in paths.items()
            }

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if self.save_best is None:
            return
        paths = self._best_paths()
        for info_key, path in paths.items():
            if path is None or is_inside(path, self.out_dir):
                continue
            paths[info_key] = confine_to_work_dir(
                path, self.out_dir, 'The best checkpoint recorded by the '
                'resumed checkpoint,')
            if paths[info_key] is None:
                runner.message_hub.runtime_info.pop(info_key, None)
            else:
                runner.message_hub.update_info(info_key, paths[info_key])
        self._set_best_paths(paths)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self.save_best:
            return
        previous = self._best_paths()
        # mmengine removes the old best before writing the new one; with no
        # old best recorded it only writes, and the old one goes after
        self._set_best_paths(dict.fromkeys(previous))
        super()._save_best_checkpoint(runner, metrics)
        current = self._best_paths()
        for info_key, old in previous.items():
            new = current[info_key]
            if new is None:
                current[info_key] = old
            elif (old and old != new and is_main_process()
                  and is_inside(old, self.out_dir) and osp.isfile(old)):
                os.remove(old)
                runner.logger.info(
                    f'The previous best checkpoint {old} is removed')
        self._set_best_paths(current)
