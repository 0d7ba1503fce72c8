"""XCLIPHead: the video-specific prompt generator, the head in the
recognizer's three modes with multi-view averaging, mixup/cutmix soft labels,
and demo training."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from bike_mm.structures import gt_label, pred_score
from tests.helpers import (
    REPO_ROOT,
    labelled_samples,
    tiny_bike_model,
    train_losses,
)

DEMO = osp.join(REPO_ROOT, 'configs', 'demo', 'xclip_tiny_demo.py')


def tiny_xclip(num_classes=4, **head):
    cfg = tiny_bike_model(num_classes)
    cfg['prompt_template'] = '{}'
    cfg['backbone'].update(
        type='CrossFrameOpenCLIP',
        frame_interaction=dict(type='CrossFrameMessage'))
    cfg['cls_head'] = dict(
        type='XCLIPHead',
        num_classes=num_classes,
        in_channels=64,
        visual_width=64,
        label_smooth_eps=0.1,
        **head)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_prompt_generator_output_shape():
    head = tiny_xclip().cls_head
    text = torch.randn(3, 4, 64)
    visual = torch.randn(3, 16, 64)
    prompts = head.prompt_generator(text, visual)
    assert prompts.shape == (3, 4, 64)
    assert len(head.prompt_generator.blocks) == 2
    # the prompts depend on the video
    other = head.prompt_generator(text, torch.randn(3, 16, 64))
    assert not torch.allclose(prompts, other)
    texts = head.video_specific_texts(
        torch.randn(3, 2, 16, 64),
        tiny_xclip().all_categories())
    assert texts.shape == (3, 4, 64)
    torch.testing.assert_close(texts.norm(dim=-1), torch.ones(3, 4))


def test_head_heads_and_classifier_checks():
    head = tiny_xclip(temporal_heads=2).cls_head
    assert head.temporal.transformer.resblocks[0].attn.num_heads == 2
    assert len(head.temporal.transformer.resblocks) == 1
    with pytest.raises(ValueError, match='classifier must be "text"'):
        tiny_xclip(classifier='normal')
    plain = tiny_bike_model()
    plain['cls_head'] = dict(type='XCLIPHead', num_classes=4,
                             in_channels=64, visual_width=64)
    with pytest.raises(TypeError, match='needs patch tokens'):
        MODELS.build(plain)


def test_three_modes_and_multi_view_averaging():
    model = tiny_xclip().train()
    losses = model(torch.randn(2, 4, 3, 64, 64), labelled_samples([1, 3]),
                   mode='loss')
    assert {'loss_cls', 'top1_acc'} <= set(losses)
    losses['loss_cls'].backward()
    head = model.cls_head
    for param in (model.backbone.frame_interactions['0'].message_fc.weight,
                  head.temporal.frame_position_embeddings.weight,
                  head.prompt_generator.alpha,
                  head.prompt_visual_proj.weight):
        assert param.grad.abs().sum() > 0
    assert model.backbone.clip.token_embedding.weight.grad is None

    model.eval()
    views = torch.randn(2, 3, 4, 3, 64, 64)  # B=2, V=3 views of T=4 frames
    with torch.no_grad():
        out = model(views.flatten(1, 2), labelled_samples([0, 1]),
                    mode='predict')
        frames, patches = model(views.flatten(1, 2), mode='tensor')
        per_view = torch.stack([
            model(views[:, v], mode='tensor', stage='head') for v in range(3)
        ], 1)
    assert frames.shape == (6, 4, 64) and patches.shape == (6, 4, 16, 64)
    expected = per_view.softmax(-1).mean(1)
    for b in range(2):
        torch.testing.assert_close(pred_score(out[b]), expected[b],
                                   rtol=1e-5, atol=1e-6)


def test_mixup_cutmix_soft_labels_reach_the_loss():
    model = tiny_xclip().train()
    cfg = Config.fromfile(DEMO)
    blending = MODELS.build(cfg.model.data_preprocessor.blending)
    blending.num_classes = 4
    for aug in blending.augments:
        aug.num_classes = 4
    # the draws of the augmentation, its mixing weight and partners
    np.random.seed(0)
    torch.manual_seed(0)
    inputs, data = blending(torch.randn(4, 4, 3, 64, 64),
                            labelled_samples([0, 1, 2, 3]))
    soft = torch.stack([gt_label(s) for s in data])
    assert soft.shape == (4, 4)
    torch.testing.assert_close(soft.sum(1), torch.ones(4))
    assert (soft.max(1).values < 1).all()  # every clip was blended
    losses = model(inputs, data, mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    assert 'top1_acc' not in losses  # soft labels: no accuracy
    # the same clips with their hard labels give another loss
    hard = model(inputs, labelled_samples([0, 1, 2, 3]), mode='loss')
    assert not torch.allclose(hard['loss_cls'], losses['loss_cls'])


@pytest.mark.e2e
def test_trains_on_demo_data_with_decreasing_loss(demo_data, tmp_path):
    losses = train_losses(DEMO, demo_data, str(tmp_path))
    assert np.mean(losses[-8:]) < np.mean(losses[:8]) - 0.1
