"""Resident memory readers of the CPU benchmarks."""
import torch

from bike_mm.benchmarks.process_memory import memory_status, resident_rise


def test_resident_rise_sees_a_step_allocation():
    size = 64 * 2**20  # 64 MiB of float32, touched so it is resident
    rise = resident_rise(lambda: torch.ones(size // 4).sum())
    assert size * 0.9 <= rise <= size * 3
    # nothing allocated: (almost) no rise
    assert resident_rise(lambda: None) < size * 0.1
    assert memory_status('VmRSS') > 0
