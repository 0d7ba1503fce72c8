"""Text4Vis: frozen classifiers (text, random normal/orthogonal, LDA file),
temporal modelling (TAP, T-Trans, TokenT1D), the recognizer's three modes,
multi-view averaging, and demo training."""
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from bike_mm.structures import pred_score

from conftest import (REPO_ROOT, demo_cfg_options, labelled_samples,
                      tiny_bike_model)
from text4vis_lda import fit_lda_classifier, sample_per_class

DEMO = osp.join(REPO_ROOT, 'configs', 'demo', 'text4vis_tiny_demo.py')


def tiny_text4vis(num_classes=4, backbone=None, **head):
    cfg = tiny_bike_model(num_classes)
    cfg['prompt_template'] = 'a video of a person {}.'
    cfg['cls_head'] = dict(
        type='Text4VisHead',
        num_classes=num_classes,
        in_channels=64,
        **dict(dict(temporal_layers=1), **head))
    cfg['backbone'].update(backbone or {})
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_text_classifier_is_normalised_text_embeddings_and_stays_frozen():
    model = tiny_text4vis().train()
    tokens, _ = model.backbone.tokenize(model.class_names,
                                        'a video of a person {}.')
    with torch.no_grad():
        expected = F.normalize(model.backbone.encode_text(tokens)[0], dim=-1)
    weight = model.cls_head.classifier(model.all_categories())
    torch.testing.assert_close(weight, expected)
    assert not weight.requires_grad

    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='AdamW', lr=1e-2)))
    visual_before = model.backbone.clip.visual.conv1.weight.clone()
    losses = model(torch.randn(3, 4, 3, 64, 64), labelled_samples([0, 2, 3]),
                   mode='loss')
    optim.update_params(losses['loss_cls'])
    assert not torch.equal(visual_before,
                           model.backbone.clip.visual.conv1.weight)
    # the classifier is no optimizer parameter, and re-encoding gives W again
    optimized = {id(p) for g in optim.optimizer.param_groups
                 for p in g['params'] if p.requires_grad}
    assert optimized.isdisjoint(
        id(p) for p in model.backbone.clip.transformer.parameters())
    model._drop_category_cache()
    torch.testing.assert_close(
        model.cls_head.classifier(model.all_categories()), expected)


def test_trainable_text_encoder_is_rejected():
    model = tiny_text4vis(backbone=dict(freeze_text=False)).train()
    with pytest.raises(ValueError, match='freeze_text=True'):
        model(torch.randn(1, 4, 3, 64, 64), labelled_samples([0]), mode='loss')


def test_orthogonal_classifier_rows_are_orthonormal():
    head = tiny_text4vis(num_classes=8, classifier='orthogonal').cls_head
    weight = head.fixed_classifier
    assert weight.shape == (8, 64)
    torch.testing.assert_close(weight @ weight.t(), torch.eye(8),
                               atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match='num_classes <= dim'):
        tiny_text4vis(num_classes=65, classifier='orthogonal')


def test_random_normal_classifier_is_a_saved_buffer():
    model = tiny_text4vis(classifier='normal')
    weight = model.cls_head.fixed_classifier
    assert weight.shape == (4, 64) and not weight.requires_grad
    assert 'cls_head.fixed_classifier' in model.state_dict()
    assert all(p is not weight for p in model.parameters())
    torch.testing.assert_close(weight.norm(dim=-1), torch.ones(4))


def test_lda_classifier_fits_toy_features():
    rng = np.random.default_rng(0)
    means = rng.normal(size=(5, 16)) * 3
    labels = np.repeat(np.arange(5), 40)
    feats = means[labels] + rng.normal(size=(200, 16))
    weight = fit_lda_classifier(feats, labels, 5)
    assert weight.shape == (5, 16) and weight.dtype == np.float32
    centered = feats - feats.mean(0)
    assert (np.argmax(centered @ weight.T, 1) == labels).mean() > 0.95
    with pytest.raises(ValueError, match=r'classes \[5\] have none'):
        fit_lda_classifier(feats, labels, 6)
    two = fit_lda_classifier(feats[labels < 2], labels[labels < 2], 2)
    assert two.shape == (2, 16)
    picked = sample_per_class(labels, 3, seed=1)
    assert np.bincount(labels[picked]).tolist() == [3] * 5
    assert picked.tolist() == sample_per_class(labels, 3, seed=1).tolist()


def test_classifier_file_is_loaded_and_checked(tmp_path):
    weight = np.random.default_rng(0).normal(size=(4, 64)).astype(np.float32)
    path = str(tmp_path / 'lda.npy')
    np.save(path, weight)
    head = tiny_text4vis(classifier='file', classifier_file=path).cls_head
    torch.testing.assert_close(head.fixed_classifier,
                               F.normalize(torch.from_numpy(weight), dim=-1))
    np.save(path, weight[:3])
    with pytest.raises(ValueError, match=r'lda.npy: classifier of shape'):
        tiny_text4vis(classifier='file', classifier_file=path)
    with pytest.raises(ValueError, match='classifier_file is required'):
        tiny_text4vis(classifier='file')


def test_lda_tool_on_demo_data(demo_data, tmp_path):
    out = str(tmp_path / 'lda.npy')
    options = [f'{k}={v}' for k, v in demo_cfg_options(demo_data).items()]
    result = subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'text4vis_lda.py'),
         DEMO, '--out', out, '--per-class', '3', '--num-workers', '0',
         '--cfg-options', *options],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'LDA classifier (8, 64) from 24 videos' in result.stdout
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict(demo_cfg_options(demo_data))
    cfg.model.cls_head.update(classifier='file', classifier_file=out)
    head = MODELS.build(cfg.model).cls_head
    assert head.fixed_classifier.shape == (8, 64)


@pytest.mark.parametrize('temporal', ['tap', 't-trans', 'tokent1d'])
def test_three_modes_and_multi_view_averaging(temporal):
    backbone, head = {}, dict(temporal_layers=0)
    if temporal == 't-trans':
        head = dict(temporal_layers=2)
    elif temporal == 'tokent1d':
        backbone = dict(type='CrossFrameOpenCLIP',
                        frame_interaction=dict(type='TokenT1D'))
    model = tiny_text4vis(backbone=backbone, **head).train()
    losses = model(torch.randn(2, 4, 3, 64, 64), labelled_samples([1, 3]),
                   mode='loss')
    assert {'loss_cls', 'top1_acc'} <= set(losses)
    losses['loss_cls'].backward()
    assert model.backbone.clip.visual.conv1.weight.grad.abs().sum() > 0
    if temporal == 'tokent1d':
        assert model.backbone.frame_interactions['0'].conv.weight.grad \
            .abs().sum() > 0

    model.eval()
    views = torch.randn(2, 3, 4, 3, 64, 64)  # B=2, V=3 views of T=4 frames
    with torch.no_grad():
        out = model(views.flatten(1, 2), labelled_samples([0, 1]),
                    mode='predict')
        frames = model(views.flatten(1, 2), mode='tensor')
        per_view = torch.stack([
            model(views[:, v], mode='tensor', stage='head') for v in range(3)
        ], 1)
    assert frames.shape == (6, 4, 64)
    expected = per_view.softmax(-1).mean(1)
    for b in range(2):
        torch.testing.assert_close(pred_score(out[b]), expected[b],
                                   rtol=1e-5, atol=1e-6)


def test_token_t1d_identity_init_is_clip_and_shift_mixes_frames():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='OpenCLIP', arch='ViT-Tiny-16')).eval()
    frames = torch.randn(2, 4, 3, 64, 64)
    with torch.no_grad():
        reference = plain.encode_frames(frames)
        for init in ('identity', 'shift'):
            t1d = MODELS.build(
                dict(type='CrossFrameOpenCLIP', arch='ViT-Tiny-16',
                     frame_interaction=dict(type='TokenT1D', init=init)))
            t1d.clip.load_state_dict(plain.clip.state_dict())
            out = t1d.eval().encode_frames(frames)
            changed = frames.clone()
            changed[:, 1:] = torch.randn_like(changed[:, 1:])
            first = t1d.encode_frames(changed)[:, 0]
            if init == 'identity':
                torch.testing.assert_close(out, reference)
                torch.testing.assert_close(first, reference[:, 0])
            else:  # frame 0 reads frame 1 through the shifted channels
                assert not torch.allclose(first, out[:, 0], atol=1e-4)


def train_losses(config, demo_dir, work_dir, epochs=2):
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(demo_cfg_options(demo_dir))
    cfg.merge_from_dict({
        'train_cfg.max_epochs': epochs,
        'train_cfg.val_interval': 100,
        'default_hooks.checkpoint.interval': 100,
        'default_hooks.logger.interval': 1,
    })
    cfg.work_dir = work_dir
    runner = Runner.from_cfg(cfg)
    # tiny models on two shared cores: one thread is ~7x faster than two
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runner.train()
    finally:
        torch.set_num_threads(threads)
    return runner.message_hub.get_scalar('train/loss_cls').data[0]


def test_trains_on_demo_data_with_decreasing_loss(demo_data, tmp_path):
    losses = train_losses(DEMO, demo_data, str(tmp_path))
    assert len(losses) == 32
    assert np.mean(losses[-8:]) < np.mean(losses[:8]) - 0.1
