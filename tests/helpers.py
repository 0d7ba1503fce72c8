"""Helpers shared by the tests: paths, demo config overrides, tiny model
configs, and running a command-line tool of this checkout."""
import os
import os.path as osp
import random
import signal
import socket
import subprocess
import sys
from typing import Optional, Sequence

import mmaction
import torch
import torch.distributed as dist
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.runner import Runner

from bike_mm.structures import set_gt_label

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'bike_tiny_demo.py')
# free_port's blocks: 1000 ports for each of up to 12 xdist workers, below
# Linux's default ephemeral range (32768-60999)
FREE_PORTS_START = 20000
FREE_PORTS_PER_WORKER = 1000


def mmaction_tools() -> str:
    """``.mim/tools`` of a wheel install, or ``tools/`` of the source
    checkout of an editable install (which has no ``.mim``)."""
    package = osp.dirname(mmaction.__file__)
    mim_tools = osp.join(package, '.mim', 'tools')
    return mim_tools if osp.isdir(mim_tools) else osp.join(
        osp.dirname(package), 'tools')


def checkout_env(**extra: str) -> dict:
    """The environment of a subprocess that runs this checkout's code.

    The checkout comes first on ``PYTHONPATH``, so a tool imports the
    ``bike_mm`` under test, not another installed copy; the Python running
    the tests comes first on ``PATH`` (the ``dist_*.sh`` scripts call
    ``python``).
    """
    env = dict(os.environ, **extra)
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [REPO_ROOT, os.environ.get('PYTHONPATH')]))
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    return env


def child_processes(pid: int) -> list:
    """The running processes ``pid`` started, and theirs, read from
    ``/proc`` (none where there is no ``/proc``)."""
    children = {}
    for entry in os.listdir('/proc') if osp.isdir('/proc') else ():
        if not entry.isdigit():
            continue  # not a process
        try:
            with open(f'/proc/{entry}/stat') as f:
                # state and parent follow the parenthesised name
                state, parent = f.read().rsplit(')', 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # it has just ended
        if state == 'Z':
            continue  # ended, waiting for its parent to read its status
        children.setdefault(int(parent), []).append(int(entry))
    found, todo = [], list(children.get(pid, []))
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def kill_processes(pids: Sequence[int]) -> None:
    """Kill ``pids`` and every process they started. The whole tree is
    stopped first: a launcher killed before its workers (torchrun starts
    them in sessions of their own) would leave them running, re-parented."""
    stopped, todo = set(), set(pids)
    while todo:
        for pid in todo:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass  # it ended meanwhile
        stopped |= todo
        todo = {child for pid in todo
                for child in child_processes(pid)} - stopped
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_process(args: Sequence[str], timeout: float,
                env: dict) -> subprocess.CompletedProcess:
    """Run ``args`` in this checkout, capturing text output; on a timeout,
    a test timeout (pytest-timeout) or Ctrl-C, kill it and everything it
    started before raising, so that no process outlives its test."""
    with subprocess.Popen(args, cwd=REPO_ROOT, env=env, text=True,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except BaseException:
            kill_processes([proc.pid])
            proc.communicate()
            raise
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)


def run_tool(tool: str,
             *args,
             python_args: Sequence[str] = (),
             check: bool = True,
             env: Optional[dict] = None,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``tools/<tool>`` of this checkout in a subprocess.

    Args:
        tool (str): Path under ``tools/``, e.g. ``'train.py'``.
        *args: Its command-line arguments.
        python_args (Sequence[str]): Arguments of Python before the script,
            e.g. ``('-m', 'torch.distributed.run', '--nproc_per_node', '2')``.
        check (bool): Fail, showing the end of the output, if the tool exits
            non-zero.
        env (dict, optional): Extra environment variables.
        timeout (float): Seconds before the run is killed.

    Returns:
        CompletedProcess: With ``returncode``, ``stdout`` and ``stderr``
        (text).
    """
    result = run_process(
        [sys.executable, *python_args,
         osp.join(REPO_ROOT, 'tools', tool), *map(str, args)],
        timeout, env=checkout_env(**(env or {})))
    if check:
        assert result.returncode == 0, (result.stdout +
                                        result.stderr)[-3000:]
    return result


def run_dist_script(script: str, *args,
                    options: dict) -> subprocess.CompletedProcess:
    """Run ``tools/<script>`` (a ``dist_*.sh``) on a free port with config
    overrides; fail, showing the end of its output, if it exits non-zero.
    """
    cli = ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]
    result = run_process(
        ['bash', osp.join(REPO_ROOT, 'tools', script), *map(str, args),
         *cli], 300, env=checkout_env(PORT=str(free_port())))
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


def demo_cfg_options(demo_dir: str) -> dict:
    """Config overrides that point the demo configs at ``demo_dir``."""
    options = {'model.class_names': osp.join(demo_dir, 'labels.txt')}
    for split in ('train', 'val', 'test'):
        prefix = f'{split}_dataloader.dataset.'
        options[prefix + 'ann_file'] = osp.join(demo_dir, f'{split}.txt')
        options[prefix + 'data_prefix.video'] = osp.join(demo_dir, 'videos')
        options[prefix + 'label_file'] = osp.join(demo_dir, 'labels.txt')
        # worker processes cost more than they save on tiny CPU runs
        options[split + '_dataloader.num_workers'] = 0
        options[split + '_dataloader.persistent_workers'] = False
    return options


def leave_process_group() -> None:
    """End a test worker's gloo group together with the other ranks: a
    rank that tears its connections down while a peer is still finishing
    can leave that peer aborted or waiting (as the tools do, cli.py)."""
    dist.barrier()
    dist.destroy_process_group()


def free_port() -> int:
    """A free TCP port on the loopback interface, for a distributed run.

    Each pytest-xdist worker probes its own block of ports, below the
    kernel's usual ephemeral range (where ``bind(0)`` and ``connect()``
    take theirs), so two workers never pick the same port between one's
    probe and its run binding it. Random order: a port a test has just
    released may still be lingering in TIME_WAIT.
    """
    worker = int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:])
    first = FREE_PORTS_START + worker * FREE_PORTS_PER_WORKER
    block = range(first, first + FREE_PORTS_PER_WORKER)
    for port in random.sample(block, len(block)):
        with socket.socket() as sock:
            try:
                sock.bind(('127.0.0.1', port))
            except OSError:
                continue  # in use
        return port
    raise RuntimeError(f'no free port in {first}-{block[-1]}')


def labelled_samples(labels) -> list:
    """ActionDataSamples with the given class indices as ground truth."""
    return [
        set_gt_label(ActionDataSample(), torch.tensor([label]))
        for label in labels
    ]


def tiny_bike_model(num_classes: int = 4, **head) -> dict:
    """A BIKERecognizer config on the randomly initialised tiny CLIP."""
    return dict(
        type='BIKERecognizer',
        num_frames=4,
        class_names=[f'class number {i}' for i in range(num_classes)],
        backbone=dict(type='OpenCLIP', arch='ViT-Tiny-16', pretrained=None),
        cls_head=dict(
            type='VCSHead', num_classes=num_classes, in_channels=64, **head),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=[122.771, 116.746, 104.094],
            std=[68.501, 66.632, 70.323],
            format_shape='NCHW'))


def train_losses(config: str, demo_dir: str, work_dir: str,
                 epochs: int = 2) -> list:
    """The per-iteration training losses of ``config`` on the demo data."""
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(demo_cfg_options(demo_dir))
    cfg.merge_from_dict({
        'train_cfg.max_epochs': epochs,
        'train_cfg.val_interval': 100,
        'default_hooks.checkpoint.interval': 100,
        'default_hooks.logger.interval': 1,
    })
    cfg.work_dir = work_dir
    runner = Runner.from_cfg(cfg)
    # tiny models on two shared cores: one thread is ~7x faster than two
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runner.train()
    finally:
        torch.set_num_threads(threads)
    return runner.message_hub.get_scalar('train/loss_cls').data[0]


def tool_error(result: subprocess.CompletedProcess) -> str:
    """The one-line error a tool ended with; fails if it printed a
    traceback or exited 0."""
    assert result.returncode != 0, result.stdout[-2000:]
    assert 'Traceback' not in result.stderr, result.stderr[-3000:]
    return result.stderr.strip().splitlines()[-1]


def annotation_subset(src: str, dst: str, lines: int) -> str:
    """Write every 16th line of annotation file ``src`` (so several
    classes), at most ``lines`` of them, to ``dst``; returns ``dst``."""
    with open(src) as f, open(dst, 'w') as out:
        out.writelines(f.readlines()[::16][:lines])
    return dst
