"""CategoryCacheHook: cache in the work dir, text tower off the device."""
import os
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import HOOKS, MODELS

from bike_mm.models.utils.category_cache import text_tower_state
from tests.helpers import labelled_samples, tiny_bike_model


# before torch.utils.swap_tensors, parameter data is replaced in place
# (`param.data = ...`), which works between real devices but not to 'meta'
@pytest.mark.skipif(not hasattr(torch.utils, 'swap_tensors'),
                    reason="'meta' cannot stand in for a second device")
def test_hook_fills_the_work_dir_cache_and_offloads_the_text_tower(
        tmp_path):
    torch.manual_seed(0)
    model = MODELS.build(tiny_bike_model(temporal_layers=1))
    keys = set(model.state_dict())
    runner = SimpleNamespace(model=model, work_dir=str(tmp_path))
    # 'meta' stands for a device other than the training one: parameters
    # there have no data, so any use of them would fail
    hook = HOOKS.build(dict(type='CategoryCacheHook', offload_device='meta'))
    hook.before_run(runner)
    model.train()
    hook.before_train(runner)
    assert os.listdir(tmp_path / 'category_cache')
    clip = model.backbone.clip
    text_params = [
        name for name, _ in clip.named_parameters()
        if name in text_tower_state(clip)
    ]
    assert 'token_embedding.weight' in text_params
    for name, param in clip.named_parameters():
        expected = 'meta' if name in text_params else 'cpu'
        assert param.device.type == expected, name
    assert clip.attn_mask.device.type == 'cpu'
    # training and testing run from the cache; checkpoints keep every key
    loss = model(torch.randn(2, 4, 3, 64, 64), labelled_samples([0, 1]),
                 mode='loss')['loss_cls']
    loss.backward()
    assert torch.isfinite(loss)
    model.eval()
    with torch.no_grad():
        model(torch.randn(1, 4, 3, 64, 64), labelled_samples([0]),
              mode='predict')
    assert set(model.state_dict()) == keys


def test_text_tower_stays_when_it_is_trained(tmp_path):
    cfg = tiny_bike_model(temporal_layers=1)
    cfg['backbone']['freeze_text'] = False
    model = MODELS.build(cfg).train()
    runner = SimpleNamespace(model=model, work_dir=str(tmp_path))
    hook = HOOKS.build(dict(type='CategoryCacheHook', offload_device='meta'))
    hook.before_run(runner)
    hook.before_train(runner)
    assert model.backbone.clip.token_embedding.weight.device.type == 'cpu'
    assert not (tmp_path / 'category_cache').exists()


def mapped_ranges(path) -> list:
    """Address ranges of ``path`` mapped into this process."""
    ranges = []
    with open('/proc/self/maps') as maps:
        for line in maps:
            if line.rstrip().endswith(str(path)):
                start, end = line.split()[0].split('-')
                ranges.append((int(start, 16), int(end, 16)))
    return ranges


def test_on_the_cpu_the_text_tower_is_memory_mapped(tmp_path):
    torch.manual_seed(0)
    model = MODELS.build(tiny_bike_model(temporal_layers=1)).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    runner = SimpleNamespace(model=model, work_dir=str(tmp_path))
    hook = HOOKS.build(dict(type='CategoryCacheHook'))
    hook.before_run(runner)
    hook.before_train(runner)
    path = tmp_path / 'category_cache' / 'text_tower.pth'
    ranges = mapped_ranges(path)
    assert ranges
    clip = model.backbone.clip
    text = text_tower_state(clip)
    for name, param in clip.named_parameters():
        mapped = any(lo <= param.data_ptr() < hi for lo, hi in ranges)
        assert mapped == (name in text), name
    # same values, same keys; new classes are encoded from the mapped tower
    after = model.state_dict()
    assert set(after) == set(before)
    for key, value in before.items():
        torch.testing.assert_close(after[key], value)
    model.set_classes(['walking', 'running'])
    model.eval()
    with torch.no_grad():
        scores = model(torch.randn(1, 4, 3, 64, 64), mode='tensor',
                       stage='head')
    assert scores.shape == (1, 2) and torch.isfinite(scores).all()
