"""The benchmarks are scripts of the checkout: installing bike_mm installs
none of their code."""
import shutil
import subprocess
import sys
import zipfile

import pytest
from setuptools import find_packages

from tests.helpers import REPO_ROOT


def test_the_packages_of_setup_py_hold_no_benchmark():
    # setup.py's selection, from the checkout's root
    packages = find_packages(REPO_ROOT, include=['bike_mm', 'bike_mm.*'])
    assert 'bike_mm' in packages
    assert not [name for name in packages if 'bench' in name]


@pytest.mark.e2e
def test_the_wheel_holds_bike_mm_only(tmp_path):
    source = tmp_path / 'source'  # the build writes build/ and egg-info
    for name in ('bike_mm', 'benchmarks'):
        shutil.copytree(f'{REPO_ROOT}/{name}', source / name,
                        ignore=shutil.ignore_patterns('__pycache__'))
    for name in ('setup.py', 'setup.cfg'):
        shutil.copy(f'{REPO_ROOT}/{name}', source)
    subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--quiet', '-w', str(tmp_path / 'wheel'),
         str(source)], check=True, capture_output=True, timeout=300)
    wheel, = (tmp_path / 'wheel').glob('bike_mm-*.whl')
    names = zipfile.ZipFile(wheel).namelist()
    assert 'bike_mm/__init__.py' in names
    assert {name.split('/')[0] for name in names} == {
        'bike_mm', wheel.name[:-len('-py3-none-any.whl')] + '.dist-info'}
