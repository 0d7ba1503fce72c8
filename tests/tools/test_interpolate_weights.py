"""tools/analysis/interpolate_weights.py on tiny checkpoints: the written
checkpoint is the interpolation, loads strictly into the config's model,
and a checkpoint of another config is one line."""
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from bike_mm.apis import init_recognizer
from tests.helpers import DEMO_CONFIG, run_tool, tool_error

pytestmark = pytest.mark.e2e

CLASSES = ['a dog running', 'a cat sleeping', 'a bird flying']


def write_config(path, clip: str, temporal_layers: int = 1) -> str:
    path.write_text(
        f'_base_ = [{DEMO_CONFIG!r}]\n'
        f'model = dict(class_names={CLASSES!r}, backbone=dict('
        f'pretrained={clip!r}), cls_head=dict(num_classes=3, '
        f'temporal_layers={temporal_layers}))\n')
    return str(path)


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    """A "pre-trained" CLIP file, a config starting from it, and a
    "fine-tuned" checkpoint of that config (every float weight + 1)."""
    root = tmp_path_factory.mktemp('wise_ft')
    torch.manual_seed(0)
    clip_file = str(root / 'clip.pt')
    config = write_config(root / 'config.py', clip_file)
    cfg = Config.fromfile(config)
    cfg.model.backbone.pretrained = None
    torch.save(MODELS.build(cfg.model).backbone.clip.state_dict(),
               clip_file)
    model = MODELS.build(Config.fromfile(config).model)
    finetuned = {
        name: value + 1 if value.is_floating_point() else value
        for name, value in model.state_dict().items()
    }
    finetuned_file = str(root / 'finetuned.pth')
    torch.save(dict(meta=dict(note='fine-tuned'), state_dict=finetuned),
               finetuned_file)
    return root, clip_file, config, finetuned_file


def test_writes_the_interpolation(checkpoints):
    root, clip_file, config, finetuned_file = checkpoints
    result = run_tool('analysis/interpolate_weights.py', finetuned_file,
                      '--config', config, '--alpha', '0.25')
    out = osp.join(root, 'finetuned_wise-ft_alpha0.25.pth')
    assert f'Wrote {out}: alpha=0.25' in result.stdout
    written = torch.load(out, map_location='cpu', weights_only=True)
    assert written['meta']['note'] == 'fine-tuned'
    assert written['meta']['wise_ft']['alpha'] == 0.25
    clip = torch.load(clip_file, weights_only=True)
    finetuned = torch.load(finetuned_file, weights_only=True)['state_dict']
    merged = written['state_dict']
    assert set(merged) == set(finetuned)
    for name, value in clip.items():
        # (1 - a) * clip + a * (clip + 1)
        torch.testing.assert_close(merged['backbone.clip.' + name],
                                   value + 0.25)
    head = [name for name in finetuned if name.startswith('cls_head.')]
    assert head and all(
        torch.equal(merged[name], finetuned[name]) for name in head)
    # a normal checkpoint of the config: loads strictly, as tools/test.py
    model = init_recognizer(config, out, 'cpu')
    torch.testing.assert_close(model.backbone.clip.logit_scale.detach(),
                               clip['logit_scale'] + 0.25)


def test_checkpoint_of_another_config_is_one_line(checkpoints, tmp_path):
    root, clip_file, config, finetuned_file = checkpoints
    other = write_config(tmp_path / 'other.py', clip_file, temporal_layers=2)
    result = run_tool('analysis/interpolate_weights.py', finetuned_file,
                      '--config', other, '--alpha', '0.5', check=False)
    line = tool_error(result)
    assert 'does not match the model of' in line
    assert 'cls_head.temporal' in line
    result = run_tool('analysis/interpolate_weights.py', finetuned_file,
                      '--config', config, '--alpha', '2', check=False)
    assert result.returncode == 2 and '--alpha must be in [0, 1]' in \
        result.stderr


def test_raw_weights_of_an_ema_checkpoint(checkpoints, tmp_path):
    """EMAHook saves the averaged weights as state_dict and the raw ones as
    ema_state_dict (``module.`` names); --raw interpolates the raw ones."""
    _, clip_file, config, finetuned_file = checkpoints
    finetuned = torch.load(finetuned_file, weights_only=True)
    raw = {'module.' + name: value + 1
           for name, value in finetuned['state_dict'].items()}
    ema_file = str(tmp_path / 'ema.pth')
    torch.save(dict(finetuned, ema_state_dict=dict(raw, steps=torch.tensor(
        8))), ema_file)
    out = str(tmp_path / 'raw.pth')
    run_tool('analysis/interpolate_weights.py', ema_file, '--config', config,
             '--alpha', '1', '--raw', '--out', out)
    merged = torch.load(out, weights_only=True)['state_dict']
    assert all(torch.equal(merged[name], raw['module.' + name])
               for name in merged)
    result = run_tool('analysis/interpolate_weights.py', finetuned_file,
                      '--config', config, '--alpha', '1', '--raw',
                      check=False)
    assert 'has no "ema_state_dict"' in tool_error(result)


def test_ema_demo_config_trains(demo_data, tmp_path):
    """configs/demo/zero_shot_bike_tiny_demo_ema.py trains; its checkpoint
    holds the averaged weights as state_dict, the raw ones as
    ema_state_dict, and --raw gives those back."""
    config = osp.join(osp.dirname(DEMO_CONFIG),
                      'zero_shot_bike_tiny_demo_ema.py')
    seen = osp.join(demo_data, 'labels_seen.txt')
    options = {'model.class_names': seen, 'train_cfg.max_epochs': 1,
               'train_cfg.val_interval': 10}
    for split in ('train', 'val', 'test'):
        prefix = f'{split}_dataloader.'
        options[prefix + 'dataset.ann_file'] = osp.join(
            demo_data, f'{split}_seen.txt')
        options[prefix + 'dataset.label_file'] = seen
        options[prefix + 'dataset.num_classes'] = 5
        options[prefix + 'dataset.data_prefix.video'] = osp.join(
            demo_data, 'videos')
        options[prefix + 'num_workers'] = 0
        options[prefix + 'persistent_workers'] = False
    cli = ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]
    run_tool('train.py', config, '--work-dir', str(tmp_path), *cli)
    checkpoint = torch.load(str(tmp_path / 'epoch_1.pth'),
                            map_location='cpu', weights_only=False)
    averaged, raw = checkpoint['state_dict'], checkpoint['ema_state_dict']
    name = 'cls_head.temporal.transformer.resblocks.0.mlp.c_fc.weight'
    assert not torch.equal(averaged[name], raw['module.' + name])
    out = str(tmp_path / 'raw.pth')
    run_tool('analysis/interpolate_weights.py', str(tmp_path / 'epoch_1.pth'),
             '--config', config, '--alpha', '1', '--raw', '--out', out, *cli)
    assert torch.equal(
        torch.load(out, weights_only=True)['state_dict'][name],
        raw['module.' + name])
