"""The attributes branch on another CLIP than the video branch (the paper's
ViT-L/14 video + ViT-B/32 attributes setting), on tiny random CLIPs of
different widths: ViT-Tiny-Wide-16 (96) for video, ViT-Tiny-16 (64) for
attributes."""
import os.path as osp

import open_clip
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from bike_mm.structures import branch_scores, pred_score, set_gt_label
from tests.helpers import REPO_ROOT

CONFIG = osp.join(REPO_ROOT, 'configs', '_base_', 'models',
                  'bike_vit-l-p14_attributes.py')
CLASSES = ['abseiling', 'playing guitar', 'riding a bike', 'making tea']
TINY = dict(arch='ViT-Tiny-16', pretrained=None)


def two_clip_model(**attributes_head):
    cfg = Config.fromfile(CONFIG).model
    cfg.class_names = CLASSES
    cfg.num_frames = 2
    cfg.backbone.update(arch='ViT-Tiny-Wide-16', pretrained=None)
    cfg.cls_head.update(num_classes=len(CLASSES), in_channels=96)
    head = cfg.attributes_head
    head.update(num_classes=len(CLASSES), in_channels=64, **attributes_head)
    for encoder in (head.text_encoder, head.category_encoder):
        if encoder is not None:
            encoder.update(TINY)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def batch(labels):
    tokens = open_clip.get_tokenizer('ViT-Tiny-16')(
        [f'This is a video about thing {i}' for i in labels])
    samples = []
    for label, token in zip(labels, tokens):
        sample = ActionDataSample(metainfo=dict(attribute_tokens=token))
        set_gt_label(sample, torch.tensor([label]))
        samples.append(sample)
    return torch.randn(len(labels), 2, 3, 64, 64), samples


def test_config_states_the_large_setting():
    cfg = Config.fromfile(CONFIG).model
    assert cfg.backbone.arch == 'ViT-L-14'
    assert cfg.cls_head.in_channels == 768
    assert cfg.attributes_head.in_channels == 512
    assert cfg.attributes_head.text_encoder.arch == 'ViT-B-32'
    assert cfg.attributes_head.category_encoder.arch == 'ViT-B-32'
    assert cfg.attributes_head.fusion_weight == 0.8


def test_trains_a_step_and_tests_with_different_widths():
    model = two_clip_model()
    assert model.backbone.embed_dim == 96
    assert model.attributes_head.category_encoder.embed_dim == 64
    # the attributes branch scores against its own encoder's categories
    video, attributes = model.all_categories(), \
        model.all_categories('attributes')
    assert video.sentence.shape == (4, 96)
    assert attributes.sentence.shape == (4, 64)
    encoder = model.attributes_head.category_encoder
    tokens, _ = encoder.text.tokenize(CLASSES, model.prompt_templates[0])
    torch.testing.assert_close(attributes.sentence,
                               encoder.text.encode(tokens)[0])
    assert not any(p.requires_grad for p in encoder.parameters())

    model.train()
    inputs, samples = batch([0, 1, 2, 1])
    optim = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1)
    losses = model.loss(inputs, samples)
    assert set(losses) == {'loss_cls', 'loss_attributes'}
    sum(losses.values()).backward()
    grads = model.attributes_head.text_encoder.clip.token_embedding.weight
    assert grads.grad is not None and grads.grad.abs().sum() > 0
    before = model.attributes_head.attribute_projection[0].weight.clone()
    optim.step()
    assert not torch.equal(
        before, model.attributes_head.attribute_projection[0].weight)

    model.eval()
    inputs, samples = batch([3, 0])
    with torch.no_grad():
        predicted = model.predict(inputs, samples)
    for sample in predicted:
        scores = branch_scores(sample)
        assert scores['video'].shape == scores['attributes'].shape == (4, )
        torch.testing.assert_close(
            pred_score(sample),
            0.8 * scores['video'] + 0.2 * scores['attributes'])


def test_different_widths_need_a_category_encoder():
    with pytest.raises(ValueError, match='category_encoder'):
        two_clip_model(category_encoder=None)


def test_plug_and_play_encodes_sentences_with_the_branch_categories():
    model = two_clip_model(text_encoder=None, projection=False).eval()
    _, samples = batch([0, 2])
    encoder = model.attributes_head.category_encoder
    tokens = torch.stack([s.attribute_tokens for s in samples])
    with torch.no_grad():
        torch.testing.assert_close(model.encode_attributes(samples),
                                   encoder.text.encode(tokens)[0])
