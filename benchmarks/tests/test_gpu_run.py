"""benchmarks/gpu/run.py: the stage runner (budget, failures, timeouts,
dependencies) on small commands, its grid against bike_bench's, and the
whole dry run on the CPU."""
import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
import torch

from bike_bench.gpu_benchmark import default_cases
from bike_mm.utils.torch_compat import (
    fully_shard_available,
    fused_kernel_available,
)

RUN_PY = Path(__file__).parents[1] / 'gpu' / 'run.py'
spec = importlib.util.spec_from_file_location('gpu_run', RUN_PY)
gpu_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_run)


def python(code: str) -> list:
    return [sys.executable, '-c', code]


def test_the_grid_is_bike_bench_s():
    size = gpu_run.MODES['gpu']
    for compile in (False, True):
        names = [stage.name for stage in
                 gpu_run.benchmark_stages(size, compile)]
        cases = default_cases(size['arch'], size['frames'], size['batch'],
                              size['infer_batch'], compile)
        assert names == [f'bench {case.label}' for case in cases]


def test_a_failure_is_recorded_and_the_next_stage_runs(tmp_path):
    stages = [
        gpu_run.Stage('fails', 'smoke', python(
            'import sys; print("why it failed", file=sys.stderr); '
            'sys.exit(3)')),
        gpu_run.Stage('needs the failed one', 'smoke', python('pass'),
                      needs='fails'),
        gpu_run.Stage('figures', 'benchmark', python(
            'print("noise"); print(\'{"train_vps": 2.5}\')'),
            read=gpu_run.last_json),
        gpu_run.Stage('skipped', 'smoke', python('pass'), skip='no GPU'),
    ]
    logged = []
    gpu_run.run_all(stages, {}, budget_s=60, stage_limit_s=60,
                    log_dir=str(tmp_path), log=logged.append)
    records = {stage.name: stage.record() for stage in stages}
    assert records['fails']['status'] == 'failed'
    assert records['fails']['reason'] == 'exit 3: why it failed'
    assert records['needs the failed one']['reason'] == \
        "needs 'fails', which failed"
    assert records['figures']['status'] == 'ok'
    assert records['figures']['figures'] == {'train_vps': 2.5}
    assert records['skipped']['reason'] == 'no GPU'
    assert len(logged) == 4
    table = gpu_run.format_table(stages, gpu_run.MODES['gpu']).splitlines()
    assert table[4].startswith('| figures | ok | ')
    assert '| 2.5 |' in table[4]
    # the published figures close the table
    assert '6 GB/GPU at batch 32 (BIKE README)' in table[-1]
    assert '322.5 at batch 16 (Text4Vis)' in table[-1]


def test_a_stage_past_its_limit_ends_with_its_children(tmp_path):
    child = tmp_path / 'child.pid'
    stage = gpu_run.Stage('hangs', 'smoke', [
        'bash', '-c', f'sleep 60 & echo $! > {child}; wait'])
    start = time.monotonic()
    gpu_run.run_all([stage], {}, budget_s=60, stage_limit_s=2,
                    log_dir=str(tmp_path))
    assert time.monotonic() - start < 30
    assert stage.status == 'failed'
    assert stage.reason == 'timed out after 2 s'
    pid = int(child.read_text())
    assert not Path(f'/proc/{pid}').exists() or \
        'Z' in Path(f'/proc/{pid}/stat').read_text().split()[2]


def test_no_stage_starts_after_the_budget(tmp_path):
    stages = [gpu_run.Stage(name, 'smoke', python('pass'))
              for name in ('first', 'second')]
    gpu_run.run_all(stages, {}, budget_s=5, stage_limit_s=5,
                    log_dir=str(tmp_path))
    # less than MIN_START_S left from the start
    assert [stage.status for stage in stages] == ['skipped', 'skipped']
    assert stages[0].reason == 'time budget of 5 s spent'


@pytest.mark.e2e
@pytest.mark.timeout(900)  # ~17 processes: 1.5 min on a quiet machine
def test_the_dry_run_records_every_stage(run_benchmark, demo_data,
                                         tmp_path):
    out = tmp_path / 'dry_run.json'
    run_benchmark('gpu/run.py', '--dry-run', '--out', out, '--demo-data',
                  demo_data, '--released-src', tmp_path / 'not_carried',
                  '--budget-s', 3000, '--stage-limit-s', 600,
                  timeout=3300)
    result = json.loads(out.read_text())
    assert result['mode'] == 'dry-run'
    stages = {stage['name']: stage for stage in result['stages']}
    benchmark = [f'bench {case.label}' for case in default_cases(
        'ViT-Tiny-16', 2, 2, 2, compile=False)]
    released = [f'{side} train step {label}'
                for label in ('fp32 no-ckpt', 'bf16 ckpt')
                for side in ('bike_mm', 'released')]
    assert list(stages) == [
        'install wheels', 'versions', 'train', 'test 1x1', 'test 4x3',
        'amp bf16', 'dist ddp gloo', 'dist fsdp gloo', 'infer',
        *benchmark, *released]
    for stage in stages.values():
        assert stage['status'] == 'ok' or stage['reason'], stage
    expected_skips = {'install wheels', 'amp bf16',
                      'bike_mm train step bf16 ckpt',
                      'released train step fp32 no-ckpt',
                      'released train step bf16 ckpt'}
    # features this torch lacks on the CPU end in a recorded reason
    if not fused_kernel_available(torch.optim.AdamW, 'cpu'):
        expected_skips |= {name for name in benchmark if 'fused' in name}
    if not fully_shard_available():
        expected_skips.add('dist fsdp gloo')
    assert {name for name, stage in stages.items()
            if stage['status'] != 'ok'} == expected_skips
    assert stages['released train step bf16 ckpt']['reason'].startswith(
        'not carried: ')
    assert 0 <= stages['test 4x3']['figures']['top1'] <= 1
    for name in set(benchmark) - expected_skips:
        figures = stages[name]['figures']
        assert figures['train_vps'] > 0 and figures['infer_vps'] > 0
        assert figures['train_peak_gib'] is None  # no CUDA memory on CPU
    assert stages['bike_mm train step fp32 no-ckpt']['figures'][
        'train_vps'] > 0
    assert stages['versions']['figures']['device'] == 'cpu'
    rows = [line for line in result['table'].splitlines()
            if line.startswith('| ') and not line.startswith(
                ('| stage |', '| published '))]
    assert [row.split(' | ')[0][2:] for row in rows] == list(stages)
