"""The text-only CLIP component and the logit scale of OpenCLIP."""
import math

import pytest
import torch
from mmaction.registry import MODELS

from bike_mm.models import OpenCLIP


def test_text_encoder_has_no_image_tower_and_matches_the_backbone():
    torch.manual_seed(0)
    full = OpenCLIP(arch='ViT-Tiny-16')
    encoder = MODELS.build(dict(type='OpenCLIPTextEncoder', arch='ViT-Tiny-16',
                                freeze_text=False))
    assert encoder.clip.visual is None
    assert not any(k.startswith('clip.visual.') for k in encoder.state_dict())
    # same names as the backbone's text tower: its weights load unchanged
    text_keys = {k for k in full.state_dict()
                 if not k.startswith('clip.visual.')}
    assert set(encoder.state_dict()) == text_keys
    encoder.load_state_dict({k: full.state_dict()[k] for k in text_keys})
    tokens, mask = encoder.text.tokenize(['riding a bike'], 'A video of {}')
    torch.testing.assert_close(encoder.text.encode(tokens)[0],
                               full.text.encode(tokens)[0])
    assert mask.sum() == 3  # riding, a, bike
    trainable = {n for n, p in encoder.named_parameters() if p.requires_grad}
    assert 'clip.token_embedding.weight' in trainable
    assert not any(n.startswith('clip.logit_') for n in trainable)


def test_logit_scale_is_not_clamped_unless_asked():
    model = OpenCLIP(arch='ViT-Tiny-16')
    with torch.no_grad():
        model.clip.logit_scale.fill_(math.log(150.))
    # a converted checkpoint keeps its value
    assert float(model.logit_scale.detach()) == pytest.approx(150.)
    clamped = OpenCLIP(arch='ViT-Tiny-16', max_logit_scale=100.)
    with torch.no_grad():
        clamped.clip.logit_scale.fill_(math.log(150.))
    assert float(clamped.logit_scale.detach()) == pytest.approx(100.)
