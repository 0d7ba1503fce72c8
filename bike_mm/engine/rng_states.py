"""Random states of a training process: derived per epoch, captured in and
restored from checkpoints, and per data-loading worker."""
import multiprocessing
import random
from typing import Any, Dict, Sequence

import numpy as np
import torch


def derive_seed(*keys: int) -> int:
    """A 32-bit seed from several integers (e.g. seed, epoch, rank,
    worker), well mixed so that neighbouring keys give unrelated
    streams."""
    return int(np.random.SeedSequence(list(keys)).generate_state(1)[0])


def seed_all(seed: int) -> None:
    """Seed python's, numpy's and torch's (CPU and every GPU) generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def capture_rng_states() -> Dict[str, Any]:
    """The states of python's, numpy's and torch's generators, in types
    that ``torch.load(weights_only=True)`` accepts."""
    kind, keys, pos, has_gauss, cached_gaussian = np.random.get_state()
    states = dict(
        python=random.getstate(),
        numpy=dict(
            kind=kind,
            keys=torch.from_numpy(keys.astype(np.int64)),
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached_gaussian=float(cached_gaussian)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        states['cuda'] = torch.cuda.get_rng_state_all()
    return states


def restore_rng_states(states: Dict[str, Any]) -> None:
    """Undo :func:`capture_rng_states` (CUDA states only when there are as
    many devices as when they were captured)."""
    python = states['python']
    random.setstate((python[0], tuple(python[1]), python[2]))
    numpy = states['numpy']
    np.random.set_state(
        (numpy['kind'], numpy['keys'].numpy().astype(np.uint32),
         numpy['pos'], numpy['has_gauss'], numpy['cached_gaussian']))
    torch.set_rng_state(states['torch'])
    cuda: Sequence[torch.Tensor] = states.get('cuda', ())
    if cuda and torch.cuda.is_available() and \
            len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda)


def shared_epoch() -> Any:
    """An epoch counter in shared memory: set by the main process, read by
    persistent data-loading workers."""
    return multiprocessing.RawValue('q', -1)


# How a data-loading worker process is seeded, set there by
# seed_worker_per_epoch (empty in the main process): seed, rank, worker,
# the shared epoch counter and the epoch seeded last.
_worker_seeding: Dict[str, Any] = {}


def seed_worker_per_epoch(worker_id: int, seed: int, rank: int,
                          epoch: Any) -> None:
    """``worker_init_fn`` that seeds the worker from ``(seed, epoch, rank,
    worker_id)`` for the epoch the shared ``epoch`` counter holds.

    A persistent worker lives through all epochs, so its random streams
    would continue across them in an uninterrupted run but restart after a
    resume. Datasets with :class:`EpochSeededFetch` (bike_mm's) reseed it
    again at the first batch of every later epoch.

    Args:
        worker_id (int): Given by the DataLoader.
        seed (int): The run's seed.
        rank (int): The process rank.
        epoch: A :func:`shared_epoch` counter.
    """
    _worker_seeding.update(
        seed=seed, rank=rank, worker=worker_id, epoch=epoch, seeded=None)
    reseed_worker_for_epoch()


def reseed_worker_for_epoch() -> None:
    """In a worker seeded by :func:`seed_worker_per_epoch`: reseed it if
    the shared epoch counter has moved on since it was last seeded (no-op
    elsewhere)."""
    if not _worker_seeding:
        return
    epoch = _worker_seeding['epoch'].value
    if _worker_seeding['seeded'] != epoch:
        _worker_seeding['seeded'] = epoch
        seed_all(derive_seed(_worker_seeding['seed'], epoch,
                             _worker_seeding['rank'],
                             _worker_seeding['worker']))


class EpochSeededFetch:
    """Dataset mixin: each batch a data-loading worker fetches (torch's
    fetcher calls ``__getitems__``) starts with
    :func:`reseed_worker_for_epoch`, so that persistent workers start every
    epoch from ``(seed, epoch, rank, worker)`` under
    :class:`~bike_mm.engine.ExactResumeHook`."""

    def __getitems__(self, indices: Sequence[int]) -> list:
        reseed_worker_for_epoch()
        return [self[i] for i in indices]
