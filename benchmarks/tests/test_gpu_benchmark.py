"""benchmarks/gpu_benchmark.py on the CPU with the tiny model."""
import dataclasses

import pytest
import torch

from bike_bench.gpu_benchmark import (
    Case,
    Result,
    default_cases,
    format_table,
    measure,
    run_cases,
)
from bike_mm.utils.torch_compat import fused_kernel_available

# torch < 2.4 has no fused AdamW kernel for the CPU
CPU_FUSED = fused_kernel_available(torch.optim.AdamW, 'cpu')
TINY = dict(arch='ViT-Tiny-16', frames=2, batch=2, infer_batch=3,
            fused=CPU_FUSED)


def test_measure_counts_videos_per_second():
    result = measure(Case(**TINY), torch.device('cpu'), num_classes=5,
                     warmup=1, steps=2)
    assert result.train_vps > 0 and result.infer_vps > 0
    # no memory figure without CUDA
    assert result.train_peak_gib is None and result.infer_peak_gib is None


def test_grid_and_budget():
    cases = default_cases('ViT-Tiny-16', 2, 2, 3, compile=True)
    labels = [case.label for case in cases]
    assert labels == [
        'fp32 no-ckpt fused', 'fp32 ckpt fused', 'bf16 no-ckpt fused',
        'bf16 ckpt fused', 'bf16 no-ckpt foreach',
        'bf16 no-ckpt fused compile'
    ]
    logged = []
    runnable = [dataclasses.replace(case, fused=CPU_FUSED)
                for case in cases[:3]]
    results = run_cases(runnable, torch.device('cpu'), budget_s=0.0,
                        log=logged.append, num_classes=5, warmup=0,
                        steps=1)
    # the first case starts, the budget is then spent
    assert [r.case for r in results] == runnable[:1]
    assert sum('skipped' in line for line in logged) == 2


def test_table_shows_published_figures():
    case = Case(arch='ViT-B-32', frames=8, batch=32, infer_batch=16)
    table = format_table([Result(case, 100.0, 300.0, 5.5, 1.25)])
    lines = table.splitlines()
    assert lines[2] == ('| ViT-B-32 | 8 | 32/16 | fp32 no-ckpt fused | '
                        '100.0 | 5.50 | 300.0 | 1.25 |')
    assert '6 GB (BIKE README)' in lines[3]
    assert '322.5 (Text4Vis)' in lines[3]


@pytest.mark.e2e
def test_command_line_falls_back_to_cpu(run_benchmark):
    result = run_benchmark('gpu_benchmark.py', '--archs',
                           'ViT-Tiny-16', '--frames', 2, '--batch', 2,
                           '--infer-batch', 2, '--classes', 5, '--warmup', 0,
                           '--steps', 1, '--budget-minutes', 0,
                           env=dict(CUDA_VISIBLE_DEVICES=''))
    assert 'device: CPU (no CUDA device found)' in result.stdout
    rows = [line for line in result.stdout.splitlines()
            if line.startswith('| ViT-Tiny-16 | 2 | 2/2 |')]
    if not CPU_FUSED:  # the first case is fused: skipped, with the reason
        assert 'skipped (this torch has no fused AdamW kernel for cpu)' \
            in result.stdout
        assert not rows and result.stdout.count('skipped (time budget') == 4
        return
    # one measured case (printed as it finishes, then in the table)
    assert len(rows) == 2 and rows[0] == rows[1]
    assert result.stdout.count('skipped (time budget') == 4
