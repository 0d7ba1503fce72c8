"""benchmarks/head_overhead.py at the smallest size: it runs and prints
both medians and the overhead."""
import re

import pytest


@pytest.mark.e2e
def test_prints_both_medians_and_the_overhead(run_benchmark):
    result = run_benchmark('head_overhead.py', '--batch', 1, '--classes', 2,
                           '--repeats', 1, '--threads', 1)
    lines = result.stdout.splitlines()[-4:]
    assert lines[0] == 'frames: 1 x 8 x 224^2, K=2, threads=1, repeats=1'
    assert re.fullmatch(r'open_clip encode_image : +[0-9.]+ ms \(median\)',
                        lines[1])
    assert re.fullmatch(r'BIKE recognizer forward: +[0-9.]+ ms \(median\)',
                        lines[2])
    assert re.fullmatch(r'head overhead: [+-][0-9.]+ %', lines[3])
