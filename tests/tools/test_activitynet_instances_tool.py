"""tools/data/activitynet_instances.py: segments written, bad input named in
one line."""
import json

import pytest

from tests.helpers import run_tool

TOOL = 'data/activitynet_instances.py'


@pytest.mark.e2e
def test_writes_segments_and_names_bad_labels(tmp_path):
    labels = tmp_path / 'labels.txt'
    labels.write_text('Archery\nBallet\n')
    database = {'abc': dict(subset='training', annotations=[
        dict(segment=[1.0, 4.5], label='Ballet')])}
    ann = tmp_path / 'anet.json'
    ann.write_text(json.dumps(dict(database=database)))
    out = tmp_path / 'segments.txt'
    done = run_tool(TOOL, ann, out, '--labels', labels)
    assert out.read_text() == 'v_abc.mp4 1.00 4.50 1\n'
    assert '1 training instances' in done.stdout

    database['abc']['annotations'][0]['label'] = 'Bowling'
    ann.write_text(json.dumps(dict(database=database)))
    done = run_tool(TOOL, ann, out, '--labels', labels, check=False)
    assert done.returncode != 0
    # one line naming file and video, no traceback
    assert done.stderr.strip().splitlines()[-1] == (
        f"activitynet_instances.py: error: {ann}, video abc: unknown label "
        "'Bowling'")
    assert 'Traceback' not in done.stderr
