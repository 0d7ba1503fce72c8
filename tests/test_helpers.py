"""The test helpers that keep parallel runs apart and leave no process
behind (tests/helpers.py)."""
import os
import socket
import subprocess
import sys
import time

import pytest

from tests import helpers
from tests.helpers import (
    FREE_PORTS_PER_WORKER,
    FREE_PORTS_START,
    free_port,
    run_process,
)


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
    blocks = []
    for worker in range(3):
        monkeypatch.setenv('PYTEST_XDIST_WORKER', f'gw{worker}')
        blocks.append({free_port() // FREE_PORTS_PER_WORKER
                       for _ in range(20)})
    assert all(len(block) == 1 for block in blocks)
    assert len(set.union(*blocks)) == 3


def test_a_port_in_use_is_not_given(monkeypatch):
    """Not even where every port of the block but one is taken (the
    kernel's own choice, bind(0), keeps to one parity of ports: a worker
    that waited for the other parity once waited forever)."""
    monkeypatch.setenv('PYTEST_XDIST_WORKER', 'gw11')
    monkeypatch.setattr(helpers, 'FREE_PORTS_PER_WORKER', 8)
    first = FREE_PORTS_START + 11 * 8
    taken = []
    try:
        for port in range(first, first + 7):
            taken.append(socket.socket())
            taken[-1].bind(('127.0.0.1', port))
        assert {free_port() for _ in range(10)} == {first + 7}
    finally:
        for sock in taken:
            sock.close()
