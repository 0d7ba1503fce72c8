"""Text4VisHead: frozen classifiers (text, random normal/orthogonal, LDA
file), temporal modelling (TAP, T-Trans, TokenT1D), the recognizer's three
modes, multi-view averaging, and demo training."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.optim import build_optim_wrapper

from bike_mm.structures import pred_score
from tests.helpers import (
    REPO_ROOT,
    labelled_samples,
    tiny_bike_model,
    train_losses,
)

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
    tokens, _ = model.backbone.text.tokenize(model.class_names,
                                        'a video of a person {}.')
    with torch.no_grad():
        expected = F.normalize(model.backbone.text.encode(tokens)[0], dim=-1)
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
    model.categories.drop_cache()
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


@pytest.mark.e2e
def test_trains_on_demo_data_with_decreasing_loss(demo_data, tmp_path):
    losses = train_losses(DEMO, demo_data, str(tmp_path))
    assert len(losses) == 32
    assert np.mean(losses[-8:]) < np.mean(losses[:8]) - 0.1
