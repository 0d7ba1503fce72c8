"""BIKERecognizer with an attributes branch: losses, frozen branches, fused
and single-branch prediction, plug-and-play attribute sentences."""
import open_clip
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from bike_mm.structures import branch_scores, pred_score, set_gt_label
from tests.helpers import tiny_bike_model


def tiny_two_branch_model(**kwargs):
    cfg = tiny_bike_model(num_classes=4)
    cfg.update(
        attributes_head=dict(
            type='AttributesHead', num_classes=4, in_channels=64,
            text_encoder=dict(type='OpenCLIP', arch='ViT-Tiny-16',
                              freeze_text=False, freeze_vision=True),
            projection=True, fusion_weight=0.6),
        **kwargs)
    return MODELS.build(cfg)


def recognizer_batch(model, labels):
    tokens = open_clip.get_tokenizer('ViT-Tiny-16')(
        [f'This is a video about thing {i}' for i in labels])
    samples = []
    for label, token in zip(labels, tokens):
        sample = ActionDataSample(metainfo=dict(attribute_tokens=token))
        set_gt_label(sample, torch.tensor([label]))
        samples.append(sample)
    return torch.randn(len(labels), 4, 3, 64, 64), samples


def test_recognizer_branches_losses_and_freezing():
    torch.manual_seed(0)
    model = tiny_two_branch_model()
    assert model.attributes_head.text_encoder.clip.visual.__class__ is \
        torch.nn.Identity
    inputs, samples = recognizer_batch(model, [0, 1, 2, 1])
    assert set(model.loss(inputs, samples)) == {'loss_cls', 'loss_attributes'}

    stage2 = tiny_two_branch_model(frozen_branches=('video', ))
    stage2.train()
    assert not any(p.requires_grad for p in stage2.backbone.parameters())
    assert not any(p.requires_grad for p in stage2.cls_head.parameters())
    assert not stage2.backbone.training
    losses = stage2.loss(inputs, samples)
    assert set(losses) == {'loss_attributes'}
    losses['loss_attributes'].backward()
    assert stage2.attributes_head.attribute_projection[0].weight.grad is \
        not None
    # every trainable parameter gets a gradient (DDP needs no unused ones)
    assert [n for n, p in stage2.named_parameters()
            if p.requires_grad and p.grad is None] == []
    assert stage2.attributes_head.text_encoder.clip.token_embedding.weight \
        .grad is not None

    with pytest.raises(ValueError, match='needs attributes_head'):
        MODELS.build(
            dict(tiny_bike_model(num_classes=4),
                 frozen_branches=('attributes', )))


def test_recognizer_predict_fused_and_single_branch():
    torch.manual_seed(0)
    model = tiny_two_branch_model().eval()
    inputs, samples = recognizer_batch(model, [0, 1])
    with torch.no_grad():
        fused = model.predict(inputs, samples)
    for sample in fused:
        branches = branch_scores(sample)
        torch.testing.assert_close(
            pred_score(sample),
            0.6 * branches['video'] + 0.4 * branches['attributes'])
    model.branches = ('attributes', )
    _, samples = recognizer_batch(model, [0, 1])
    with torch.no_grad():
        only = model.predict(None, samples)
    for a, b in zip(fused, only):
        torch.testing.assert_close(pred_score(b),
                                   branch_scores(a)['attributes'])
        assert branch_scores(b) == {}
    # plug-and-play: the category encoder encodes the sentences
    plug = tiny_bike_model(num_classes=4)
    plug.update(attributes_head=dict(type='AttributesHead', num_classes=4,
                                     in_channels=64),
                frozen_branches=('video', 'attributes'))
    plug = MODELS.build(plug)
    assert not any(p.requires_grad for p in plug.parameters())
    with pytest.raises(RuntimeError, match='nothing to train'):
        plug.loss(inputs, samples)
    _, samples = recognizer_batch(plug, [0, 1])
    with torch.no_grad():
        plug.eval().predict(inputs, samples)
    assert 'attribute_tokens' in samples[0]
