"""Which checkpoint of a work dir a run resumes from: confined to the work
dir, skipping unreadable ones, and never overwriting a refused one."""
import os
import os.path as osp
import re
from typing import List, Optional, Tuple

from mmengine.logging import MMLogger

from .safe_checkpoint import CheckpointError, load_checkpoint_file

#: Where ``--start-over`` moves the checkpoints it does not resume from.
NOT_RESUMED_DIR = 'not_resumed'


def resume_options(runner) -> Tuple[bool, Optional[str]]:
    """Whether ``runner`` resumes, and the checkpoint it loads (None: the
    latest of its work dir when resuming, nothing otherwise).

    mmengine's Runner (0.10) keeps both in private attributes and offers no
    accessor; this is the one place bike_mm reads them (it never writes
    them: the tools decide the checkpoint before building the Runner).
    """
    return runner._resume, runner._load_from


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


def checkpoint_dir(work_dir: str, out_dir: Optional[str] = None) -> str:
    """Where a ``CheckpointHook`` with ``out_dir`` saves the checkpoints of
    the run in ``work_dir``."""
    if out_dir is None or out_dir == work_dir:
        return work_dir
    return osp.join(out_dir, osp.basename(work_dir.rstrip(osp.sep)))


def resume_candidates(work_dir: str,
                      filename_tmpl: str = 'epoch_{}.pth',
                      folder: Optional[str] = None) -> List[str]:
    """The checkpoints a resume of ``work_dir`` may use, in the order they
    are tried: the one ``last_checkpoint`` records (confined to the
    checkpoint folder, see :func:`confine_to_work_dir`), then the others
    named by ``filename_tmpl``, newest first.

    Args:
        work_dir (str): The run's work dir (holding ``last_checkpoint``).
        filename_tmpl (str): Checkpoint file names, ``{}`` for the step.
        folder (str, optional): Where the run's checkpoints are, when not
            in ``work_dir`` (see :func:`checkpoint_dir`).
    """
    folder = folder or work_dir
    candidates: List[str] = []
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record, encoding='utf-8', errors='replace') as f:
            recorded = f.read().strip()
        recorded = recorded and confine_to_work_dir(
            recorded, folder, f'The checkpoint recorded in {record},')
        if recorded:
            candidates.append(recorded)
    pattern = re.compile(
        re.escape(filename_tmpl).replace(r'\{\}', r'(\d+)') + '$')
    names = os.listdir(folder) if osp.isdir(folder) else []
    steps = {}
    for name in names:
        match = pattern.match(name)
        if match:
            steps[int(match[1])] = osp.join(folder, name)
    return candidates + [
        steps[step] for step in sorted(steps, reverse=True)
        if steps[step] not in candidates
    ]


def why_not_resumable(path: str) -> Optional[str]:
    """Why ``path`` cannot be resumed from (one line naming the file), or
    None when it is an intact training checkpoint."""
    try:
        checkpoint = load_checkpoint_file(path, 'cpu')
    except (CheckpointError, OSError) as err:
        return str(err)
    if not isinstance(checkpoint, dict) or not {
            'meta', 'state_dict', 'optimizer'} <= set(checkpoint):
        return (f'{path} has no optimizer state (not a training '
                'checkpoint)')
    return None


def find_resumable_checkpoint(work_dir: str,
                              filename_tmpl: str = 'epoch_{}.pth',
                              folder: Optional[str] = None,
                              start_over: bool = False) -> Optional[str]:
    """The newest intact checkpoint of :func:`resume_candidates`; each one
    skipped is named in a warning.

    Args:
        work_dir (str): The run's work dir.
        filename_tmpl (str): Checkpoint file names, ``{}`` for the step.
        folder (str, optional): Where the checkpoints are, when not in
            ``work_dir``.
        start_over (bool): When there are checkpoints but none is intact,
            return None (training from scratch) instead of raising.

    Returns:
        str | None: The checkpoint, or None when there is none to resume.

    Raises:
        ValueError: Every candidate is refused or unreadable and
            ``start_over`` is False; the message names the newest and why.
    """
    logger = MMLogger.get_current_instance()
    candidates = resume_candidates(work_dir, filename_tmpl, folder)
    refusals = []
    for path in candidates:
        reason = why_not_resumable(path)
        if reason is None:
            if refusals:
                logger.warning(f'Resuming from the previous intact '
                               f'checkpoint {path} instead of '
                               f'{candidates[0]}')
            return path
        logger.warning(f'Not resuming from {path}: {reason}')
        refusals.append(reason)
    if refusals and not start_over:
        raise ValueError(
            f'Nothing to resume in {work_dir}: {refusals[0]}. The '
            'checkpoints there are kept as they are; to train from scratch '
            'give another --work-dir, or --start-over (which first moves '
            f'them to {osp.join(work_dir, NOT_RESUMED_DIR)}*)')
    return None


def move_not_resumed(folder: str) -> Optional[str]:
    """Move every checkpoint (``*.pth``) and ``last_checkpoint`` of
    ``folder`` unchanged into a new ``not_resumed`` folder in it, so that a
    run started over there can neither overwrite nor delete them.

    Returns:
        str | None: The new folder, or None when there was nothing to move.
    """
    names = sorted(
        name for name in (os.listdir(folder) if osp.isdir(folder) else [])
        if name.endswith('.pth') or name == 'last_checkpoint')
    if not names:
        return None
    target, number = osp.join(folder, NOT_RESUMED_DIR), 1
    while osp.exists(target):
        number += 1
        target = osp.join(folder, f'{NOT_RESUMED_DIR}_{number}')
    os.makedirs(target)
    for name in names:
        os.replace(osp.join(folder, name), osp.join(target, name))
    return target


def auto_resume_checkpoint(cfg, start_over: bool = False) -> Optional[str]:
    """The checkpoint ``--resume`` without a path resumes ``cfg``'s run
    from (:func:`find_resumable_checkpoint` in the folder and with the
    file names of its ``default_hooks.checkpoint``); None, said in the log,
    when there is nothing to resume.

    Args:
        cfg (Config): The run's config, with ``work_dir``.
        start_over (bool): Train from scratch when there are checkpoints
            but none is intact, instead of raising.
    """
    hook = cfg.get('default_hooks', {}).get('checkpoint') or {}
    filename_tmpl = hook.get('filename_tmpl') or (
        'epoch_{}.pth' if hook.get('by_epoch', True) else 'iter_{}.pth')
    found = find_resumable_checkpoint(
        cfg.work_dir, filename_tmpl,
        checkpoint_dir(cfg.work_dir, hook.get('out_dir')), start_over)
    if found is None:
        MMLogger.get_current_instance().warning(
            f'Nothing to resume in {cfg.work_dir} (no intact checkpoint); '
            'training starts from scratch')
    return found
