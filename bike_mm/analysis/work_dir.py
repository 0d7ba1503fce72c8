"""Reading MMEngine work dirs: the runs (training or test) made by any
MMEngine tool (ours, mmaction's ``tools/train.py`` / ``tools/test.py``),
their configs, metrics and times."""
import glob
import json
import os.path as osp
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional

from mmengine.config import Config

LOG_TIME_FORMAT = '%Y/%m/%d %H:%M:%S'


class WorkDirError(ValueError):
    """A work dir that cannot be read; the message names the path."""


@dataclass
class Run:
    """One run of a work dir: its timestamped folder ``<work_dir>/<ts>/``.

    Args:
        path (str): The run folder.
        config (Config): The config of the run (``vis_data/config.py``, or
            the config dumped at the top of the work dir).
        metrics (dict): Evaluation metrics (``acc/top1``, ...): of the test
            for a test run, of the last validation for a training run.
        is_test (bool): A test run (``<ts>/<ts>.json`` holds its metrics).
        seconds (float, optional): Wall time from the first to the last
            line of its log.
    """
    path: str
    config: Config
    metrics: Dict[str, float]
    is_test: bool
    seconds: Optional[float]


def _read_json_lines(path: str) -> List[dict]:
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def _is_metric(key: str) -> bool:
    """Evaluation metrics are prefixed (``acc/top1``, ``zero_shot/...``)."""
    return '/' in key


def _log_seconds(log_file: str) -> Optional[float]:
    if not osp.isfile(log_file):
        return None
    with open(log_file, encoding='utf-8', errors='replace') as f:
        stamps = [line[:19] for line in f if line[:4].isdigit()]
    times = []
    for stamp in stamps:
        try:
            times.append(datetime.strptime(stamp, LOG_TIME_FORMAT))
        except ValueError:
            continue  # a wrapped line that starts with digits
    return (times[-1] - times[0]).total_seconds() if times else None


def _run_config(work_dir: str, run_dir: str) -> Config:
    """The run's own config, else the one dumped in the work dir."""
    candidates = [osp.join(run_dir, 'vis_data', 'config.py')]
    candidates += sorted(glob.glob(osp.join(work_dir, '*.py')),
                         key=osp.getmtime, reverse=True)
    for path in candidates:
        if osp.isfile(path):
            try:
                return Config.fromfile(path)
            except Exception as err:  # any error of exec'ing a config
                raise WorkDirError(f'{path}: cannot read the config: '
                                   f'{type(err).__name__}: {err}') from None
    raise WorkDirError(f'{run_dir}: no config (vis_data/config.py or a '
                       f'dumped *.py in {work_dir})')


def read_run(work_dir: str, run_dir: str) -> Optional[Run]:
    """The run in ``run_dir``, or None for a run without metrics (e.g.
    stopped before its first validation)."""
    stamp = osp.basename(run_dir)
    test_json = osp.join(run_dir, stamp + '.json')
    scalars = osp.join(run_dir, 'vis_data', stamp + '.json')
    if osp.isfile(test_json):
        with open(test_json, encoding='utf-8') as f:
            record = json.load(f)
        metrics, is_test = record, True
    elif osp.isfile(scalars):
        evaluations = [
            r for r in _read_json_lines(scalars) if any(map(_is_metric, r))
        ]
        if not evaluations:
            return None
        metrics, is_test = evaluations[-1], False
    else:
        return None
    metrics = {
        k: float(v)
        for k, v in metrics.items()
        if _is_metric(k) and isinstance(v, (int, float))
    }
    return Run(run_dir, _run_config(work_dir, run_dir), metrics, is_test,
               _log_seconds(osp.join(run_dir, stamp + '.log')))


def read_work_dir(work_dir: str) -> List[Run]:
    """The runs of ``work_dir`` that have metrics, oldest first.

    Raises:
        WorkDirError: ``work_dir`` is not a folder or has no such run.
    """
    if not osp.isdir(work_dir):
        raise WorkDirError(f'{work_dir}: not a folder')
    run_dirs = sorted(
        d for d in glob.glob(osp.join(work_dir, '*_*'))
        if osp.isdir(d) and osp.basename(d)[:8].isdigit())
    runs = [r for r in (read_run(work_dir, d) for d in run_dirs) if r]
    if not runs:
        raise WorkDirError(
            f'{work_dir}: no run with metrics (no <timestamp>/<timestamp>'
            '.json test result and no validation in '
            '<timestamp>/vis_data/<timestamp>.json)')
    return runs
