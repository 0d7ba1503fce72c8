"""Shared fixtures: the demo dataset, generated once per test session.

Plain helpers (paths, config overrides, tiny model configs, running a tool)
are in ``tests/helpers.py``.
"""
import pytest
from mmaction.utils import register_all_modules

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.demo import generate_demo_dataset

register_all_modules()  # mmaction as the default registry scope


@pytest.fixture(scope='session')
def demo_data(tmp_path_factory) -> str:
    """The embedded demo dataset, generated once per test session.

    Returns the folder holding ``videos/``, ``{train,val,test}.txt`` and
    ``labels.txt``.
    """
    out = str(tmp_path_factory.mktemp('demo'))
    generate_demo_dataset(out)
    return out
