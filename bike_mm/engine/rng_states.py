"""Random states of a training process: derived per epoch, captured in and
restored from checkpoints, and per data-loading worker."""
import multiprocessing
import random
from typing import Any, Dict, Sequence

import numpy as np
import torch
from torch.utils.data import get_worker_info


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


def seed_worker_per_epoch(worker_id: int, seed: int, rank: int,
                          epoch: Any) -> None:
    """``worker_init_fn`` that reseeds the worker at the start of every
    epoch from ``(seed, epoch, rank, worker_id)``.

    A persistent worker lives through all epochs, so its random streams
    would continue across them in an uninterrupted run but restart after a
    resume. The worker's copy of the dataset gets a ``__getitems__`` (which
    torch's fetcher calls for every batch) that reseeds whenever the shared
    ``epoch`` counter has moved on since its last batch.

    Args:
        worker_id (int): Given by the DataLoader.
        seed (int): The run's seed.
        rank (int): The process rank.
        epoch: A :func:`shared_epoch` counter.
    """
    dataset = get_worker_info().dataset
    fetch = getattr(dataset, '__getitems__', None) or (
        lambda indices: [dataset[i] for i in indices])
    seeded_epoch = [None]

    def reseed_then_fetch(indices: Sequence[int]) -> list:
        if seeded_epoch[0] != epoch.value:
            seeded_epoch[0] = epoch.value
            seed_all(derive_seed(seed, epoch.value, rank, worker_id))
        return fetch(indices)

    dataset.__getitems__ = reseed_then_fetch
