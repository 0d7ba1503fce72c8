"""tools/benchmarks/dist_infonce_memory.py on a tiny configuration: the
tables it prints, and a sharded rank needing less than a replicated one."""
import pytest

from tests.helpers import run_tool

pytestmark = pytest.mark.e2e


def test_sharded_rank_peak_is_below_replicated():
    result = run_tool('benchmarks/dist_infonce_memory.py', '--global-batch',
                      8, '--dim', 64, '--temporal-layers', 1,
                      '--world-sizes', 1, 2, '--heads', 'mean',
                      '--repeats', 1)
    rows = [line.split('|')[1:-1] for line in result.stdout.splitlines()
            if line.startswith('| mean |')]
    measured, ratios = rows[:2], rows[2:]
    assert [(r[1].strip(), r[2].strip(), r[3].strip()) for r in measured] \
        == [('replicated', '1 and any', '8'), ('sharded', '2', '4')]
    replicated_peak, sharded_peak = (float(r[5]) for r in measured)
    assert 0 < sharded_peak < replicated_peak
    # the ratio table: M=1 is the replicated run against itself
    assert ratios[0][1].strip() == '1.0x; 1.0x'
    assert float(ratios[0][2].split('x')[0]) > 1
