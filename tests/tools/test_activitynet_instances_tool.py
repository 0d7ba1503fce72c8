"""tools/data/activitynet_instances.py: segments written, bad input named in
one line."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
from conftest import REPO_ROOT

TOOL = osp.join(REPO_ROOT, 'tools', 'data', 'activitynet_instances.py')


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args],
                          capture_output=True, text=True, cwd=REPO_ROOT,
                          env=dict(os.environ, PYTHONPATH=REPO_ROOT))


@pytest.mark.e2e
def test_writes_segments_and_names_bad_labels(tmp_path):
    labels = tmp_path / 'labels.txt'
    labels.write_text('Archery\nBallet\n')
    database = {'abc': dict(subset='training', annotations=[
        dict(segment=[1.0, 4.5], label='Ballet')])}
    ann = tmp_path / 'anet.json'
    ann.write_text(json.dumps(dict(database=database)))
    out = tmp_path / 'segments.txt'
    done = run(str(ann), str(out), '--labels', str(labels))
    assert done.returncode == 0, done.stderr
    assert out.read_text() == 'v_abc.mp4 1.00 4.50 1\n'
    assert '1 training instances' in done.stdout

    database['abc']['annotations'][0]['label'] = 'Bowling'
    ann.write_text(json.dumps(dict(database=database)))
    done = run(str(ann), str(out), '--labels', str(labels))
    assert done.returncode != 0
    # one line naming file and video, no traceback
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: {ann}, video abc: unknown label 'Bowling'")
    assert 'Traceback' not in done.stderr
