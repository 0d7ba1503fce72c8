"""interpolate_weights: the WiSE-FT formula on shared float entries, the
fine-tuned model's own entries kept, mismatches refused."""
import pytest
import torch

from bike_mm.models.utils import interpolate_weights


def state_dicts():
    zero_shot = {
        'backbone.weight': torch.tensor([0.0, 2.0]),
        'backbone.half': torch.tensor([1.0], dtype=torch.float16),
        'backbone.steps': torch.tensor(3),
    }
    finetuned = {
        'backbone.weight': torch.tensor([4.0, -2.0]),
        'backbone.half': torch.tensor([3.0], dtype=torch.float16),
        'backbone.steps': torch.tensor(7),
        'cls_head.weight': torch.tensor([5.0]),
    }
    return finetuned, zero_shot


@pytest.mark.parametrize('alpha', [0.0, 0.25, 0.5, 1.0])
def test_formula_on_shared_float_entries(alpha):
    finetuned, zero_shot = state_dicts()
    merged = interpolate_weights(finetuned, zero_shot, alpha)
    assert list(merged) == list(finetuned)
    torch.testing.assert_close(
        merged['backbone.weight'],
        torch.tensor([4.0 * alpha, 2.0 - 4.0 * alpha]))
    assert merged['backbone.half'].dtype == torch.float16
    assert float(merged['backbone.half']) == 1.0 + 2.0 * alpha
    # integer buffers and head-only entries: the fine-tuned ones
    assert int(merged['backbone.steps']) == 7
    assert merged['cls_head.weight'] is finetuned['cls_head.weight']


def test_endpoints_are_exact():
    finetuned = {'w': torch.randn(5, 3)}
    zero_shot = {'w': torch.randn(5, 3)}
    assert torch.equal(
        interpolate_weights(finetuned, zero_shot, 1.0)['w'], finetuned['w'])
    assert torch.equal(
        interpolate_weights(finetuned, zero_shot, 0.0)['w'], zero_shot['w'])


def test_inputs_unchanged():
    finetuned, zero_shot = state_dicts()
    before = {k: v.clone() for k, v in finetuned.items()}
    interpolate_weights(finetuned, zero_shot, 0.5)
    assert all(torch.equal(finetuned[k], before[k]) for k in before)


def test_mismatches_are_refused():
    finetuned, zero_shot = state_dicts()
    with pytest.raises(ValueError, match=r'alpha must be in \[0, 1\]'):
        interpolate_weights(finetuned, zero_shot, 1.5)
    with pytest.raises(ValueError, match="'backbone.extra'"):
        interpolate_weights(finetuned,
                            dict(zero_shot, **{'backbone.extra':
                                               torch.zeros(1)}), 0.5)
    with pytest.raises(ValueError, match=r'backbone.weight: shape \[2\]'):
        interpolate_weights(finetuned,
                            dict(zero_shot, **{'backbone.weight':
                                               torch.zeros(3)}), 0.5)
