"""Environment of the CPU benchmarks' worker processes, alone or as the
ranks of a gloo process group on this machine."""
import os
import socket


def worker_env(world_size: int = 1) -> dict:
    """The environment of a worker: one OpenMP thread, glibc's mmap
    threshold fixed (freed blocks leave the resident set, so resident
    memory measures what is live) and, for ``world_size`` ranks, the
    rendezvous of ``torch.distributed``'s ``env://`` on a free local port.

    Args:
        world_size (int): Ranks of the process group.

    Returns:
        dict: Complete with :func:`rank_env` for each rank.
    """
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    return dict(os.environ, OMP_NUM_THREADS='1',
                MALLOC_MMAP_THRESHOLD_='131072', MASTER_ADDR='127.0.0.1',
                MASTER_PORT=str(port), WORLD_SIZE=str(world_size))


def rank_env(env: dict, rank: int) -> dict:
    """``env`` of :func:`worker_env` for the worker of ``rank``."""
    return dict(env, RANK=str(rank), LOCAL_RANK=str(rank))
