"""The test helpers that keep parallel runs apart and leave no process
behind (tests/helpers.py)."""
import os
import subprocess
import sys
import time

import pytest

from tests.helpers import free_port, run_process


def running(pid: int) -> bool:
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='reads /proc')
def test_timeout_kills_the_process_and_what_it_started(tmp_path):
    pids = tmp_path / 'pids'
    # a worker in a session of its own, as torchrun starts its ranks
    script = f'setsid sleep 600 & echo $! > {pids}; echo $$ >> {pids}; wait'
    with pytest.raises(subprocess.TimeoutExpired):
        run_process(['bash', '-c', script], 2, env=dict(os.environ))
    worker, shell = map(int, pids.read_text().split())
    deadline = time.time() + 10  # init reaps the orphaned worker
    while running(worker) and time.time() < deadline:
        time.sleep(0.1)
    assert not running(worker) and not running(shell)


def test_xdist_workers_take_distinct_ports(monkeypatch):
    monkeypatch.setenv('PYTEST_XDIST_WORKER_COUNT', '3')
    for worker in range(3):
        monkeypatch.setenv('PYTEST_XDIST_WORKER', f'gw{worker}')
        assert all(free_port() % 3 == worker for _ in range(5))
