"""mmengine's CheckpointHook confined to the run's own work dir, with atomic
writes and a resume that skips unreadable checkpoints."""
import os
import os.path as osp
import re
from typing import Dict, List, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.logging import MMLogger

from mmaction.registry import HOOKS
from ..atomic_local_backend import AtomicLocalBackend  # noqa: F401
from ..safe_checkpoint import CheckpointError, load_checkpoint_file


def is_inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it (links resolved)."""
    path, folder = osp.realpath(path), osp.realpath(folder)
    return osp.commonpath([path, folder]) == folder


def confine_to_work_dir(recorded: str, work_dir: str,
                        what: str) -> Optional[str]:
    """``recorded`` if it lies in ``work_dir``; else the file of the same
    name in ``work_dir`` if there is one (else None), with a warning naming
    the path that is not followed.

    A work dir copied to branch an experiment still records the original's
    absolute paths; following them would resume, overwrite or delete
    another run's files.
    """
    if is_inside(recorded, work_dir):
        return recorded
    local = osp.join(work_dir, osp.basename(recorded))
    found = osp.isfile(local)
    MMLogger.get_current_instance().warning(
        f'{what} {recorded} is outside the work dir {work_dir}; not '
        'following it, ' + (f'using {local} instead' if found else
                            'and there is no file of that name here'))
    return local if found else None


def find_resumable_checkpoint(work_dir: str,
                              filename_tmpl: str = 'epoch_{}.pth',
                              checkpoint_dir: Optional[str] = None
                              ) -> Optional[str]:
    """The newest intact checkpoint of ``work_dir`` that can be resumed.

    The one ``last_checkpoint`` records comes first (confined to the
    checkpoint folder, see :func:`confine_to_work_dir`), then the others
    named by ``filename_tmpl``, newest first. A candidate that cannot be
    loaded or lacks the optimizer state is skipped with a warning naming
    it.

    Args:
        work_dir (str): The run's work dir (holding ``last_checkpoint``).
        filename_tmpl (str): Checkpoint file names, ``{}`` for the step.
        checkpoint_dir (str, optional): Where the run's checkpoints are,
            when not in ``work_dir`` (CheckpointHook's ``out_dir``).

    Returns:
        str | None: The checkpoint, or None when there is none.
    """
    checkpoint_dir = checkpoint_dir or work_dir
    logger = MMLogger.get_current_instance()
    candidates: List[str] = []
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record, encoding='utf-8', errors='replace') as f:
            recorded = f.read().strip()
        recorded = recorded and confine_to_work_dir(
            recorded, checkpoint_dir, f'The checkpoint recorded in {record},')
        if recorded:
            candidates.append(recorded)
    pattern = re.compile(
        re.escape(filename_tmpl).replace(r'\{\}', r'(\d+)') + '$')
    names = os.listdir(checkpoint_dir) if osp.isdir(checkpoint_dir) else []
    steps = {
        int(match[1]): osp.join(checkpoint_dir, name)
        for name in names if (match := pattern.match(name))
    }
    candidates += [
        steps[step] for step in sorted(steps, reverse=True)
        if steps[step] not in candidates
    ]
    for path in candidates:
        try:
            checkpoint = load_checkpoint_file(path, 'cpu')
        except (CheckpointError, OSError) as err:
            logger.warning(f'Not resuming from {path}: {err}')
            continue
        if not isinstance(checkpoint, dict) or not {
                'meta', 'state_dict', 'optimizer'} <= set(checkpoint):
            logger.warning(f'Not resuming from {path}: it has no optimizer '
                           'state (not a training checkpoint)')
            continue
        if path != candidates[0]:
            logger.warning(f'Resuming from the previous intact checkpoint '
                           f'{path} instead of {candidates[0]}')
        return path
    return None


@HOOKS.register_module()
class WorkDirCheckpointHook(CheckpointHook):
    """:class:`mmengine.hooks.CheckpointHook` that never reaches outside
    the run's work dir and never leaves it without an intact checkpoint.

    * **Resume** (``resume=True`` without a checkpoint path): resumes from
      :func:`find_resumable_checkpoint` instead of blindly following
      ``last_checkpoint``; with nothing to resume it says so in one line
      and trains from scratch.
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
        if not runner._resume or runner._load_from is not None:
            return
        # where before_train will put the checkpoints
        checkpoint_dir = runner.work_dir
        if self.out_dir is not None and self.out_dir != runner.work_dir:
            checkpoint_dir = osp.join(
                self.out_dir, osp.basename(runner.work_dir.rstrip(osp.sep)))
        found = find_resumable_checkpoint(runner.work_dir, self.filename_tmpl,
                                          checkpoint_dir)
        if found is None:
            runner.logger.warning(
                f'Nothing to resume in {runner.work_dir} (no intact '
                'checkpoint); training starts from scratch')
            runner._resume = False
        else:
            runner._load_from = found

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
