"""VCSHead against a direct implementation of the paper's Eq. 5-6."""
import math

import pytest
import torch

from bike_mm.models import TextEmbeddings, VCSHead
from bike_mm.models.heads.vcs_head import sample_positive_classes


def direct_vcs_score(frames, sentence, words, tau=0.01, cosine=True):
    """Eq. 5-6 for one video and one category, written with loops.

    frames [T, D], sentence [D], words [N, D] (the category's N words).
    """
    def unit(x):
        return x / x.norm()

    frames = [unit(f) for f in frames]
    words = [unit(w) for w in words]
    saliency = []
    for t in range(len(frames)):
        total = 0.
        for w in words:
            denom = sum(math.exp(float(f @ w) / tau) for f in frames)
            total += math.exp(float(frames[t] @ w) / tau) / denom
        saliency.append(total / len(words))
    video = sum(s * f for s, f in zip(saliency, frames))
    if cosine:
        video = unit(video)
    return float(video @ unit(sentence)), saliency


@pytest.fixture
def inputs():
    torch.manual_seed(0)
    frames = torch.randn(3, 5, 8, dtype=torch.float64)
    token_feats = torch.randn(4, 10, 8, dtype=torch.float64)
    sentence = torch.randn(4, 8, dtype=torch.float64)
    mask = torch.zeros(4, 10, dtype=torch.bool)
    for c, (start, n) in enumerate([(2, 1), (2, 3), (4, 2), (1, 5)]):
        mask[c, start:start + n] = True
    return frames, sentence, token_feats, mask


@pytest.mark.parametrize('all_tokens', [False, True])
@pytest.mark.parametrize('cosine', [True, False])
def test_vcs_matches_equations(inputs, all_tokens, cosine):
    frames, sentence, token_feats, mask = inputs
    head = VCSHead(4, 8, all_tokens=all_tokens, cosine_score=cosine,
                   saliency_temperature=0.05)
    categories = head.category_embeddings(sentence, token_feats, mask)
    scores = head.score(frames, categories)
    saliency = head.saliency(frames, categories)
    assert scores.shape == (3, 4) and saliency.shape == (3, 4, 5)
    for v in range(3):
        for c in range(4):
            words = token_feats[c] if all_tokens else token_feats[c][mask[c]]
            expected, expected_sal = direct_vcs_score(
                frames[v], sentence[c], words, tau=0.05, cosine=cosine)
            assert scores[v, c].item() == pytest.approx(expected, abs=1e-9)
            assert saliency[v, c].tolist() == pytest.approx(expected_sal)
    torch.testing.assert_close(
        saliency.sum(-1), torch.ones(3, 4, dtype=torch.float64))


def test_real_word_mode_keeps_only_name_tokens(inputs):
    _, sentence, token_feats, mask = inputs
    categories = TextEmbeddings.from_tokens(sentence, token_feats, mask)
    assert categories.words.shape == (4, 5, 8)  # longest name has 5 tokens
    assert categories.word_mask.sum(1).tolist() == [1, 3, 2, 5]
    torch.testing.assert_close(categories.words[1, :3], token_feats[1, 2:5])
    subset = categories.select(torch.tensor([3, 3, 0]))
    assert torch.equal(subset.words[2], categories.words[0])


def test_mean_aggregation_is_cosine_of_mean_frame(inputs):
    frames, sentence, token_feats, mask = inputs
    head = VCSHead(4, 8, aggregation='mean')
    scores = head.score(frames, head.category_embeddings(
        sentence, token_feats, mask))
    expected = torch.nn.functional.cosine_similarity(
        frames.mean(1)[:, None], sentence[None], dim=-1)
    torch.testing.assert_close(scores, expected)


def test_temporal_transformer_option_and_logit_scale(inputs):
    frames, sentence, token_feats, mask = inputs
    head = VCSHead(4, 8, temporal_layers=2, temporal_heads=2).double()
    categories = head.category_embeddings(sentence, token_feats, mask)
    logits = head(frames, categories, torch.tensor(100., dtype=torch.float64))
    torch.testing.assert_close(
        logits, 100 * head.score(head.temporal(frames), categories))
    assert not torch.allclose(logits, 100 * head.score(frames, categories))


def test_unknown_aggregation_is_rejected():
    with pytest.raises(ValueError, match='aggregation'):
        VCSHead(4, 8, aggregation='max')


def test_sample_positive_classes():
    labels = torch.tensor([[1., 0., 1., 0.], [0., 1., 0., 0.]])
    torch.manual_seed(0)
    draws = torch.stack([sample_positive_classes(labels) for _ in range(50)])
    assert set(draws[:, 0].tolist()) == {0, 2}
    assert set(draws[:, 1].tolist()) == {1}
    with pytest.raises(ValueError, match=r'\[1\]'):
        sample_positive_classes(torch.tensor([[1., 0.], [0., 0.]]))
