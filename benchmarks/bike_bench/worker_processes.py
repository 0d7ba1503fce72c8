"""Environment of the CPU benchmarks' worker processes, alone or as the
ranks of a gloo process group on this machine."""
import importlib.util
import os
import os.path as osp
import socket

# where this process imports bike_bench and bike_mm from: a worker started
# with ``-m bike_bench...`` imports the same code
IMPORT_ROOTS = tuple(
    osp.dirname(osp.dirname(osp.abspath(origin))) for origin in
    (__file__, importlib.util.find_spec('bike_mm').origin))


def worker_env(world_size: int = 1) -> dict:
    """The environment of a worker: one OpenMP thread, glibc's mmap
    threshold fixed (freed blocks leave the resident set, so resident
    memory measures what is live) and, for ``world_size`` ranks, the
    rendezvous of ``torch.distributed``'s ``env://`` on a free local port;
    ``bike_bench`` and ``bike_mm`` importable from where this process took
    them.

    Args:
        world_size (int): Ranks of the process group.

    Returns:
        dict: Complete with :func:`rank_env` for each rank.
    """
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    python_path = os.pathsep.join(
        filter(None, [*IMPORT_ROOTS, os.environ.get('PYTHONPATH')]))
    return dict(os.environ, OMP_NUM_THREADS='1',
                MALLOC_MMAP_THRESHOLD_='131072', MASTER_ADDR='127.0.0.1',
                MASTER_PORT=str(port), WORLD_SIZE=str(world_size),
                PYTHONPATH=python_path)


def rank_env(env: dict, rank: int) -> dict:
    """``env`` of :func:`worker_env` for the worker of ``rank``."""
    return dict(env, RANK=str(rank), LOCAL_RANK=str(rank))
