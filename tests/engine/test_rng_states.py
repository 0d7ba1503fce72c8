"""Random states: captured into and restored from weights-only
checkpoints; derived seeds."""
import random

import numpy as np
import torch

from bike_mm.engine.rng_states import (
    capture_rng_states,
    derive_seed,
    restore_rng_states,
)


def test_rng_states_round_trip_through_a_weights_only_checkpoint(tmp_path):
    torch.manual_seed(3)
    states = capture_rng_states()
    expected = (torch.rand(3), np.random.rand(3).tolist(), random.random())
    torch.save(dict(meta=dict(rng_states=states)), tmp_path / 'ckpt.pth')
    restore_rng_states(torch.load(
        tmp_path / 'ckpt.pth', weights_only=True)['meta']['rng_states'])
    assert torch.equal(torch.rand(3), expected[0])
    assert np.random.rand(3).tolist() == expected[1]
    assert random.random() == expected[2]


def test_derived_seeds_differ_per_epoch_and_worker():
    seeds = {derive_seed(0, epoch, 0, worker) for epoch in range(3)
             for worker in range(2)}
    assert len(seeds) == 6
    assert derive_seed(0, 1, 0, 1) == derive_seed(0, 1, 0, 1)
