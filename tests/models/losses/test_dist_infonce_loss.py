"""DistInfoNCELoss in one process against a direct implementation of Eq. 7.

The multi-process equivalence is tested in tests/models/utils/test_gather.py.
"""
import math

import pytest
import torch

from bike_mm.models import DistInfoNCELoss


def direct_eq7(scores, labels, tau):
    """Eq. 7 with loops: scores[i][j] = s(video i, category of sample j)."""
    n = len(labels)

    def log_softmax_at(row, k):
        return row[k] / tau - math.log(sum(math.exp(x / tau) for x in row))

    def positives(i):
        return [k for k in range(n) if labels[k] == labels[i]]

    v2c = c2v = 0.
    for i in range(n):
        row = [scores[i][j] for j in range(n)]
        col = [scores[j][i] for j in range(n)]
        v2c -= sum(log_softmax_at(row, k) for k in positives(i)) / len(
            positives(i))
        c2v -= sum(log_softmax_at(col, k) for k in positives(i)) / len(
            positives(i))
    return (v2c / n + c2v / n) / 2


def cosine_scores(videos, categories):
    videos = torch.nn.functional.normalize(videos, dim=-1)
    categories = torch.nn.functional.normalize(categories, dim=-1)
    return videos @ categories.t()


@pytest.mark.parametrize('labels', [[0, 1, 2, 3, 4], [0, 1, 1, 2, 0, 1]])
def test_loss_equals_eq7_with_repeated_labels(labels):
    torch.manual_seed(0)
    n = len(labels)
    videos = torch.randn(n, 6, dtype=torch.float64)
    class_table = torch.randn(5, 6, dtype=torch.float64)
    labels_t = torch.tensor(labels)
    categories = class_table[labels_t]
    loss = DistInfoNCELoss()(videos, categories, labels_t, cosine_scores,
                             logit_scale=1 / 0.07)
    scores = cosine_scores(videos, categories).tolist()
    assert loss.item() == pytest.approx(direct_eq7(scores, labels, 0.07))


def test_multi_hot_labels_use_label_overlap():
    torch.manual_seed(0)
    videos = torch.randn(3, 4, dtype=torch.float64)
    categories = torch.randn(3, 4, dtype=torch.float64)
    labels = torch.tensor([[1, 0, 1], [0, 1, 0], [0, 0, 1]])
    category_labels = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    loss = DistInfoNCELoss()(videos, categories, labels, cosine_scores, 10.,
                             category_labels=category_labels)
    logits = 10. * cosine_scores(videos, categories)
    pos = torch.tensor([[1., 0, 1], [0, 1, 0], [0, 0, 1]])
    v2c = -(logits.log_softmax(1) * pos).sum(1) / pos.sum(1)
    c2v = -(logits.t().log_softmax(1) * pos.t()).sum(1) / pos.t().sum(1)
    expected = (v2c.mean() + c2v.mean()) / 2
    assert loss.item() == pytest.approx(expected.item())


def test_sample_without_positive_is_rejected():
    videos = torch.randn(2, 4)
    labels = torch.tensor([[1, 0], [0, 0]])
    with pytest.raises(ValueError, match='no positive'):
        DistInfoNCELoss()(videos, videos, labels, cosine_scores, 10.)


def test_loss_weight_and_gradient_flow():
    videos = torch.randn(4, 4, requires_grad=True)
    categories = torch.randn(4, 4)
    labels = torch.tensor([0, 1, 0, 2])
    plain = DistInfoNCELoss()(videos, categories, labels, cosine_scores, 10.)
    double = DistInfoNCELoss(loss_weight=2.)(videos, categories, labels,
                                             cosine_scores, 10.)
    assert double.item() == pytest.approx(2 * plain.item())
    double.backward()
    assert videos.grad.abs().sum() > 0


def test_multi_label_loss_hand_made():
    # 2 videos: {0, 1} and {1}; their categories (drawn positives): 0 and 1
    labels = torch.tensor([[1., 1.], [0., 1.]])
    category_labels = torch.tensor([[1, 0], [0, 1]])
    sims = torch.tensor([[0.9, 0.2], [0.1, 0.8]])
    loss = DistInfoNCELoss()(torch.arange(2), torch.arange(2), labels,
                             lambda v, c: sims[v][:, c], 1.0, category_labels)
    # video 0 matches both categories, video 1 only category 1; category 0
    # matches video 0, category 1 both videos
    log_v = torch.log_softmax(sims, 1)
    log_c = torch.log_softmax(sims.t(), 1)
    v2c = -(log_v[0].sum() / 2) - log_v[1, 1]
    c2v = -log_c[0, 0] - (log_c[1].sum() / 2)
    assert loss.item() == pytest.approx(((v2c + c2v) / 4).item())
