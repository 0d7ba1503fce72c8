"""DistInfoNCELoss in one process against a direct implementation of Eq. 7.

The multi-process equivalence is tested in tests/models/utils/test_gather.py.
"""
import math

import pytest
import torch

from bike_mm.models import DistInfoNCELoss
from bike_mm.models.utils.gather import TORCH_COLLECTIVES, Collectives


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


def test_default_collectives_are_torch_distributed():
    assert DistInfoNCELoss().collectives is TORCH_COLLECTIVES


def simulated_rank(rank: int, world_size: int, videos, categories, labels,
                   logit_scale) -> tuple:
    """This rank's part of the global batch, and collectives that deliver
    what the other ranks would send."""
    local = len(labels) // world_size
    rows = slice(rank * local, (rank + 1) * local)
    local_categories, local_labels = categories[rows], labels[rows]
    gathered = {id(local_categories): categories, id(local_labels): labels}
    # the other ranks score their videos against this rank's categories
    columns = (logit_scale * cosine_scores(videos, categories))[:, rows].t()
    collectives = Collectives(
        gather_batch=lambda tensor: gathered[id(tensor)],
        gather_sizes=lambda tensor: [local] * world_size,
        score_columns=lambda scores, sizes: columns)
    return collectives, (videos[rows], local_categories, local_labels)


def test_given_collectives_make_the_rank_losses_average_to_the_global_loss():
    torch.manual_seed(0)
    labels = torch.tensor([0, 1, 1, 2, 0, 1])
    videos = torch.randn(6, 4, dtype=torch.float64)
    categories = torch.randn(3, 4, dtype=torch.float64)[labels]
    expected = DistInfoNCELoss()(videos, categories, labels, cosine_scores,
                                 10.)
    rank_losses = []
    for rank in range(3):
        collectives, local_batch = simulated_rank(rank, 3, videos,
                                                  categories, labels, 10.)
        loss = DistInfoNCELoss(collectives=collectives)
        rank_losses.append(loss(*local_batch, cosine_scores, 10.))
    # DDP averages the ranks' losses: the mean is the global batch's loss
    torch.testing.assert_close(
        torch.stack(rank_losses).mean(), expected, rtol=0, atol=1e-12)
