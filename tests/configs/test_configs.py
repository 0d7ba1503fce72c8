"""Every config under configs/ builds: its model (on the demo classes, CLIP
backbones swapped for the tiny random ViT-Tiny-16, no pretrained weights;
its label file checked against its number of classes), its datasets and
pipelines (pointed at the demo data, one sample loaded per dataloader) and
its evaluators. Configs added later are picked up automatically."""
import copy
import glob
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, METRICS, MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope

from bike_mm.datasets import load_class_names
from bike_mm.datasets.preparation import videos_to_rawframes
from tests.helpers import REPO_ROOT

CONFIGS = sorted(p for p in glob.glob(
    osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in p.split(osp.sep))
TINY_ARCH, TINY_WIDTH = 'ViT-Tiny-16', 64
DEMO_CLASSES = 8
# head fields sized by the CLIP towers' widths
WIDTH_KEYS = ('in_channels', 'visual_width')
SPLIT_FILES = dict(train='train', val='val', test='test')


def _is_clip(cfg) -> bool:
    return isinstance(cfg, dict) and str(cfg.get('type', '')).endswith(
        ('OpenCLIP', 'OpenCLIPTextEncoder'))


def _contains_clip(cfg) -> bool:
    if _is_clip(cfg):
        return True
    children = cfg.values() if isinstance(cfg, dict) else \
        cfg if isinstance(cfg, list) else []
    return any(_contains_clip(c) for c in children)


def tiny_model(cfg, in_clip_model: bool, demo_dir: str, tmp_path: str):
    """The model config on the demo classes, with tiny CLIP towers, no
    weights to load and precomputed classifiers (``classifier_file``)
    replaced by random ones."""
    if isinstance(cfg, list):
        return [tiny_model(c, in_clip_model, demo_dir, tmp_path) for c in cfg]
    if not isinstance(cfg, dict):
        return cfg
    out = {
        k: tiny_model(v, in_clip_model, demo_dir, tmp_path)
        for k, v in cfg.items()
    }
    if 'class_names' in out:
        out['class_names'] = osp.join(demo_dir, 'labels.txt')
    if out.get('num_classes'):
        out['num_classes'] = DEMO_CLASSES
    if _is_clip(cfg):
        out.update(arch=TINY_ARCH, pretrained=None)
    for key in ('pretrained', 'init_cfg'):
        if key in out and not _is_clip(cfg):
            out[key] = None
    if 'clip_pretrained' in out:
        out['clip_pretrained'] = False
    if in_clip_model:
        out.update({k: TINY_WIDTH for k in WIDTH_KEYS if k in out})
    if out.get('classifier_file'):
        out['classifier_file'] = osp.join(tmp_path, 'classifier.npy')
        np.save(out['classifier_file'],
                np.random.rand(out['num_classes'], TINY_WIDTH))
    return out


def generated_demo_path(path: str, demo_dir: str) -> str:
    """The demo configs read ``data/demo`` (made by ``make demo``); tests read
    the copy generated for the session instead."""
    if path.startswith('data/demo/'):
        return osp.join(demo_dir, osp.relpath(path, 'data/demo'))
    return path


def demo_dataset(cfg, demo_dir: str, split: str, tmp_path: str):
    """The dataset config (possibly wrapped) reading the demo ``split``."""
    if isinstance(cfg, list):
        return [demo_dataset(c, demo_dir, split, tmp_path) for c in cfg]
    if not isinstance(cfg, dict):
        return cfg
    out = {
        k: demo_dataset(v, demo_dir, split, tmp_path)
        for k, v in cfg.items()
    }
    if out.get('type') == 'RawframeDataset':
        out['ann_file'], frames_root = demo_rawframes(demo_dir, split,
                                                      tmp_path)
        out['data_prefix'] = dict(img=frames_root)
    elif 'ann_file' in out:
        # a demo split of the config's own (e.g. test_unseen.txt), else the
        # split's full list
        ann_file = generated_demo_path(out['ann_file'], demo_dir)
        out['ann_file'] = ann_file if osp.isfile(ann_file) else \
            osp.join(demo_dir, f'{SPLIT_FILES[split]}.txt')
        out['data_prefix'] = dict(video=osp.join(demo_dir, 'videos'))
        if out.get('type') == 'VideoSegmentDataset':
            out['ann_file'] = demo_segment_file(out['ann_file'], tmp_path)
    if 'attribute_file' in out:
        out['attribute_file'] = demo_attribute_file(demo_dir, tmp_path)
    if isinstance(out.get('label_file'), str):
        out['label_file'] = generated_demo_path(out['label_file'], demo_dir)
    return out


def demo_rawframes(demo_dir: str, split: str, tmp_path: str):
    """The first two videos of a demo split as frame folders: their
    annotation file and frame root."""
    with open(osp.join(demo_dir, f'{SPLIT_FILES[split]}.txt')) as f:
        lines = f.readlines()[:2]
    videos = osp.join(tmp_path, f'{split}_videos.txt')
    with open(videos, 'w') as f:
        f.writelines(lines)
    frames_root = osp.join(tmp_path, 'rawframes')
    ann_file = osp.join(tmp_path, f'{split}_rawframes.txt')
    videos_to_rawframes(videos, osp.join(demo_dir, 'videos'), frames_root,
                        ann_file)
    return ann_file, frames_root


def demo_segment_file(ann_file: str, tmp_path: str) -> str:
    """The demo videos of ``ann_file`` as segments of their first half
    second (``path start end label``)."""
    path = osp.join(tmp_path, 'segments.txt')
    with open(ann_file) as f, open(path, 'w') as out:
        for line in f:
            video, label = line.split()
            out.write(f'{video} 0.0 0.5 {label}\n')
    return path


def demo_attribute_file(demo_dir: str, tmp_path: str) -> str:
    """Attributes of every demo video, in the released BIKE format."""
    path = osp.join(tmp_path, 'attributes.json')
    if not osp.isfile(path):
        with open(osp.join(demo_dir, 'labels.txt')) as f:
            phrases = [line.strip() for line in f][:5]
        videos = {
            line.split()[0]: dict(classname_topk=phrases)
            for split in SPLIT_FILES.values()
            for line in open(osp.join(demo_dir, f'{split}.txt'))
        }
        with open(path, 'w') as f:
            json.dump(videos, f)
    return path


def _evaluators(cfg):
    for key in ('val_evaluator', 'test_evaluator'):
        evaluator = cfg.get(key)
        if evaluator:
            yield from (evaluator
                        if isinstance(evaluator, list) else [evaluator])


def test_configs_found():
    names = [osp.relpath(p, REPO_ROOT) for p in CONFIGS]
    assert len(names) >= 40
    for name in ('bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py',
                 'bike_vit-l-p14_k400-pre_u8_ucf101-zero-shot-rgb.py',
                 'tsn_r50_8xb32-u8-30e_kinetics400-rgb.py'):
        assert any(n.endswith(name) for n in names)


@pytest.mark.parametrize('config',
                         CONFIGS,
                         ids=[osp.relpath(p, REPO_ROOT) for p in CONFIGS])
def test_config_builds(config, demo_data, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)  # label files are repo-relative
    cfg = Config.fromfile(config)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model_cfg = cfg.model.to_dict()
        if isinstance(model_cfg.get('class_names'), str):
            load_class_names(
                generated_demo_path(model_cfg['class_names'], demo_data),
                model_cfg['cls_head'].get('num_classes'))
        model_cfg = tiny_model(model_cfg, _contains_clip(model_cfg), demo_data,
                               str(tmp_path))
        model = MODELS.build(model_cfg)
        assert sum(p.numel() for p in model.parameters()) > 0
        loaded = 0
        for split in SPLIT_FILES:
            loader = cfg.get(f'{split}_dataloader')
            if not loader:
                continue
            dataset = DATASETS.build(
                demo_dataset(copy.deepcopy(loader['dataset']), demo_data,
                             split, str(tmp_path)))
            inputs = dataset[0]['inputs']
            # [V*T, C, H, W] frames, or [V, C, T, H, W] clips (3D models)
            assert isinstance(inputs, torch.Tensor) and inputs.ndim in (4, 5)
            if hasattr(model, 'num_frames'):  # whole views of T frames
                assert inputs.shape[0] % model.num_frames == 0
            loaded += 1
        assert loaded, 'the config has no dataloader'
        for evaluator in _evaluators(cfg):
            METRICS.build(copy.deepcopy(evaluator))


def _pipelines(cfg):
    for split in SPLIT_FILES:
        loader = cfg.get(f'{split}_dataloader')
        if loader:
            dataset = loader['dataset']
            yield split, dataset.get('pipeline') or dataset['dataset'][
                'pipeline']


ZOO = [p for p in CONFIGS if osp.sep + 'bike' + osp.sep in p]


@pytest.mark.parametrize('config',
                         ZOO,
                         ids=[osp.relpath(p, REPO_ROOT) for p in ZOO])
def test_zoo_configs_use_the_released_protocol(config):
    """Configs quoting released or paper numbers sample frames, scale and
    crop as the released code, with the model's frame count, and build the
    released Video Concept Spotting."""
    cfg = Config.fromfile(config)
    model = cfg.model
    assert model.cls_head.all_tokens and not model.cls_head.cosine_score
    for split, pipeline in _pipelines(cfg):
        steps = {step['type']: step for step in pipeline}
        assert steps['ReleasedUniformSample']['clip_len'] == model.num_frames
        crop = (steps['Resize']['scale'][0] if split == 'train' else
                steps['FullResCrop']['crop_size'])
        assert crop == (336 if '336' in model.backbone.arch else 224)
        assert steps['ShortSideResize']['short_side'] == (256 if crop == 224
                                                          else crop)
