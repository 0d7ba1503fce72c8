"""TemporalTransformer: activation checkpointing changes memory, not maths."""
import torch
from mmaction.registry import MODELS

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.models.common.temporal_transformer import TemporalTransformer


def test_checkpointing_gives_the_same_output_and_gradients():
    frames = torch.randn(3, 8, 64, dtype=torch.float64)
    results = []
    for checkpointing in (False, True):
        torch.manual_seed(0)
        temporal = TemporalTransformer(
            64, num_layers=2, grad_checkpointing=checkpointing).double()
        assert temporal.transformer.grad_checkpointing is checkpointing
        inputs = frames.clone().requires_grad_()
        out = temporal(inputs)
        (out**2).sum().backward()
        results.append((out.detach(), inputs.grad,
                        [p.grad for p in temporal.parameters()]))
    (out, grad, params), (ckpt_out, ckpt_grad, ckpt_params) = results
    torch.testing.assert_close(ckpt_out, out, rtol=0, atol=0)
    torch.testing.assert_close(ckpt_grad, grad, rtol=1e-12, atol=1e-12)
    for ckpt_param, param in zip(ckpt_params, params):
        torch.testing.assert_close(ckpt_param, param, rtol=1e-12, atol=1e-12)


def test_heads_pass_the_switch_to_their_temporal_transformer():
    for head in (dict(type='VCSHead'), dict(type='Text4VisHead')):
        built = MODELS.build(
            dict(head, num_classes=4, in_channels=64, temporal_layers=1,
                 temporal_checkpointing=True))
        assert built.temporal.transformer.grad_checkpointing
