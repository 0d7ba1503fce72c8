"""Resident memory readers of the CPU benchmarks."""
import subprocess
import sys
from pathlib import Path

from bike_bench.process_memory import memory_status
from tests.helpers import checkout_env

BENCHMARKS = Path(__file__).parents[1]

# a fresh process: in a long test session freed memory stays resident and a
# new allocation may not raise the resident set at all
MEASURE = '''
import torch
from bike_bench.process_memory import resident_rise
size = 64 * 2**20  # 64 MiB of float32, touched so it is resident
print(resident_rise(lambda: torch.ones(size // 4).sum()) / size,
      resident_rise(lambda: None) / size)
'''


def test_resident_rise_sees_a_step_allocation():
    out = subprocess.run([sys.executable, '-c', MEASURE], cwd=BENCHMARKS,
                         env=checkout_env(), capture_output=True, text=True,
                         check=True).stdout.split()
    allocated, nothing = map(float, out[-2:])
    assert 0.9 <= allocated <= 3
    assert nothing < 0.1
    assert memory_status('VmRSS') > 0
