"""Fixtures of the benchmark tests: the demo dataset of the package's tests
and running a benchmark script of this checkout.

pytest puts this folder on ``sys.path`` (it holds this conftest and no
``__init__.py``), so the tests import ``bike_bench`` as the scripts do.
"""
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from tests.conftest import demo_data  # noqa: F401  (the shared fixture)
from tests.helpers import checkout_env, run_process

BENCHMARKS = Path(__file__).parent


def run_script(script: str,
               *args,
               check: bool = True,
               env: Optional[dict] = None,
               timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``benchmarks/<script>`` of this checkout in a subprocess.

    Args:
        script (str): Path under ``benchmarks/``, e.g. ``'head_overhead.py'``.
        *args: Its command-line arguments.
        check (bool): Fail, showing the end of the output, if it exits
            non-zero.
        env (dict, optional): Extra environment variables.
        timeout (float): Seconds before the run is killed.

    Returns:
        CompletedProcess: With ``returncode``, ``stdout`` and ``stderr``
        (text).
    """
    # the tests' runner: on a timeout it kills the script and its ranks
    result = run_process(
        [sys.executable, str(BENCHMARKS / script), *map(str, args)],
        timeout, checkout_env(**(env or {})))
    if check:
        assert result.returncode == 0, (result.stdout +
                                        result.stderr)[-3000:]
    return result


@pytest.fixture
def run_benchmark():
    """:func:`run_script`, for the tests of the command lines."""
    return run_script
