"""Shared fixtures: the demo dataset and the demo model trained on it, each
made once per test run (once for all pytest-xdist workers), and a check
that no test leaves a process behind.

Plain helpers (paths, config overrides, tiny model configs, running a tool)
are in ``tests/helpers.py``.
"""
import os
import os.path as osp
import shutil
from typing import Callable

import pytest
import torch
from filelock import FileLock
from mmaction.utils import register_all_modules

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.demo import generate_demo_dataset
from tests.helpers import (
    DEMO_CONFIG,
    child_processes,
    demo_cfg_options,
    kill_processes,
    run_tool,
)

register_all_modules()  # mmaction as the default registry scope

if 'PYTEST_XDIST_WORKER' in os.environ:
    # the workers share the cores: one thread each, in the tools they start
    # too (tiny CPU models run several times faster so than oversubscribed)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    torch.set_num_threads(1)

# multiprocessing's own helper processes, which live as long as the process
# that started them by design
LONG_LIVED = ('multiprocessing.resource_tracker', 'multiprocessing.forkserver')


def once_per_run(tmp_path_factory, name: str,
                 make: Callable[[str], None]) -> str:
    """The folder ``name`` filled by ``make(folder)`` once per test run.

    Under pytest-xdist every worker has its own base temp folder; the
    folder is made next to them, by the first worker that asks, while the
    others wait on a file lock. A ``make`` that failed half-way is redone
    by the next one that asks.
    """
    root = tmp_path_factory.getbasetemp()
    if 'PYTEST_XDIST_WORKER' in os.environ:
        root = root.parent
    folder = root / name
    with FileLock(str(folder) + '.lock'):
        if not (folder / '.done').exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(str(folder))
            (folder / '.done').touch()
    return str(folder)


@pytest.fixture(scope='session')
def demo_data(tmp_path_factory) -> str:
    """The embedded demo dataset, generated once per test run.

    Returns the folder holding ``videos/``, ``{train,val,test}.txt`` and
    ``labels.txt``.
    """
    return once_per_run(tmp_path_factory, 'demo', generate_demo_dataset)


@pytest.fixture(scope='session')
def trained_demo(demo_data, tmp_path_factory) -> str:
    """The last checkpoint (``epoch_2.pth``) of the demo model trained
    2 epochs by ``tools/train.py`` without validation, once per test run.
    Tests only read it (and its work dir)."""

    def train(work_dir: str) -> None:
        options = dict(demo_cfg_options(demo_data), **{
            'train_cfg.max_epochs': 2,
            'train_cfg.val_interval': 10
        })
        run_tool('train.py', DEMO_CONFIG, '--work-dir', work_dir,
                 '--cfg-options', *[f'{k}={v}' for k, v in options.items()])

    return osp.join(once_per_run(tmp_path_factory, 'trained_demo', train),
                    'epoch_2.pth')


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Fail a test that leaves a process it started running (a rank
    waiting for peers that exited, a launcher's worker), after killing it,
    so that the next tests do not share the cores with it."""
    yield
    left = []
    for pid in child_processes(os.getpid()):
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                command = f.read().replace(b'\0', b' ').decode().strip()
        except OSError:
            continue  # it ended meanwhile
        if not any(name in command for name in LONG_LIVED):
            left.append((pid, command))
    if left:
        kill_processes([pid for pid, _ in left])
        pytest.fail('processes left running (now killed): ' + '; '.join(
            f'{pid} {command[:200]}' for pid, command in left))

