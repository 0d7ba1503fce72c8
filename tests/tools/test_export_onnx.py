"""tools/deployment/export_onnx.py and tools/infer.py --backend onnxruntime
on a demo-config checkpoint: the same printed top-5 as the PyTorch backend,
open vocabulary with --labels, and one line for a checkpoint of another
config."""
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from tests.helpers import DEMO_CONFIG, run_tool, tool_error

pytestmark = pytest.mark.e2e
pytest.importorskip('onnxruntime')


def write_config(path, labels: str, temporal_layers: int = 1) -> str:
    path.write_text(
        f'_base_ = [{DEMO_CONFIG!r}]\n'
        f'model = dict(class_names={labels!r}, '
        f'cls_head=dict(temporal_layers={temporal_layers}))\n')
    return str(path)


@pytest.fixture(scope='module')
def exported(demo_data, tmp_path_factory):
    """A demo-config checkpoint (random weights) and its two exports."""
    root = tmp_path_factory.mktemp('export_onnx')
    config = write_config(root / 'config.py',
                          osp.join(demo_data, 'labels.txt'))
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    checkpoint = str(root / 'demo.pth')
    torch.save(dict(meta=dict(), state_dict=model.state_dict()), checkpoint)
    outputs = {name: str(root / f'{name}.onnx')
               for name in ('fixed', 'int8', 'open')}
    for name, extra in (('fixed', ('--int8', outputs['int8'])),
                        ('open', ('--open-vocabulary', ))):
        out = outputs[name]
        result = run_tool('deployment/export_onnx.py', config, checkpoint,
                          '--out', out, *extra)
        assert f'Wrote {out}: frames [B, 8, 3, 64, 64] -> logits' in \
            result.stdout
        diffs = {
            line.split()[-2].rstrip(':'): float(line.split()[-1])
            for line in result.stdout.splitlines()
            if line.startswith('max |onnxruntime - pytorch|')
        }
        assert diffs.pop(out) <= 1e-4
        if name == 'fixed':
            assert f'Wrote {outputs["int8"]}: its int8 dynamic ' \
                'quantisation' in result.stdout
            # int8 weights: close to PyTorch, not within fp32's 1e-4
            assert 0 < diffs.pop(outputs['int8']) < 0.5
        assert not diffs
    return config, checkpoint, outputs


def top5(result) -> list:
    lines = result.stdout.strip().splitlines()
    start = [i for i, line in enumerate(lines) if line.startswith('Top-')]
    return lines[start[0]:start[0] + 6]


def test_onnxruntime_backend_prints_what_pytorch_does(demo_data, exported):
    config, checkpoint, outputs = exported
    video = osp.join(demo_data, 'videos', 'test', 'class2_00.mp4')
    pytorch = run_tool('infer.py', config, checkpoint, video, '--device',
                       'cpu', '--views', '2x1')
    onnx = run_tool('infer.py', config, checkpoint, video, '--views', '2x1',
                    '--backend', 'onnxruntime', '--onnx', outputs['fixed'])
    assert top5(onnx) == top5(pytorch)
    assert 'of 8 classes' in top5(onnx)[0]
    # open vocabulary: other class names, encoded by the PyTorch text tower
    labels = osp.join(demo_data, 'labels_unseen.txt')
    pytorch = run_tool('infer.py', config, checkpoint, video, '--device',
                       'cpu', '--labels', labels, '--topk', '3')
    onnx = run_tool('infer.py', config, checkpoint, video, '--labels',
                    labels, '--topk', '3', '--backend', 'onnxruntime',
                    '--onnx', outputs['open'])
    assert top5(onnx) == top5(pytorch)
    refused = run_tool('infer.py', config, checkpoint, video, '--labels',
                       labels, '--backend', 'onnxruntime', '--onnx',
                       outputs['fixed'], check=False)
    assert 'has its classes built in' in tool_error(refused)


def test_checkpoint_of_another_config_is_one_line(demo_data, exported,
                                                   tmp_path):
    _, checkpoint, _ = exported
    other = write_config(tmp_path / 'other.py',
                         osp.join(demo_data, 'labels.txt'),
                         temporal_layers=2)
    result = run_tool('deployment/export_onnx.py', other, checkpoint,
                      '--out', str(tmp_path / 'x.onnx'), check=False)
    line = tool_error(result)
    assert 'does not match the model of' in line
    assert 'cls_head.temporal' in line
    assert not osp.exists(tmp_path / 'x.onnx')
