"""Every test file named in the documentation and the configs exists."""
import glob
import os.path as osp
import re

from tests.helpers import REPO_ROOT

# `tests/...py`, also as the tail of `benchmarks/tests/...py`
TEST_PATH = re.compile(r'(?<![\w/])(?:benchmarks/)?tests/[\w./-]*?\.py\b')
DOCUMENTS = ('README.md', 'BENCHMARKS.md', 'docs/**/*.md', 'configs/**/*.py')


def cited_test_paths() -> dict:
    """Test path -> the files that name it."""
    cited = {}
    for pattern in DOCUMENTS:
        for path in glob.glob(osp.join(REPO_ROOT, pattern), recursive=True):
            with open(path, encoding='utf-8') as f:
                for test_path in TEST_PATH.findall(f.read()):
                    cited.setdefault(test_path, []).append(
                        osp.relpath(path, REPO_ROOT))
    return cited


def test_cited_test_paths_exist():
    cited = cited_test_paths()
    assert 'tests/checkpoints/test_released.py' in cited  # the regex works
    missing = {
        path: sorted(set(where))
        for path, where in cited.items()
        if not osp.isfile(osp.join(REPO_ROOT, path))
    }
    assert not missing, missing
