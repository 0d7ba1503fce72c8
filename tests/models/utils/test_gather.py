"""Distributed InfoNCE across real processes (gloo on CPU) equals the
single-process loss and gradients on the global batch (issue #3)."""
import math

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from torch.nn.parallel import DistributedDataParallel

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.models.utils.gather import (
    gather_batch,
    gather_sizes,
    score_columns,
)
from bike_mm.structures import set_gt_label
from tests.helpers import leave_process_group

GLOBAL_BATCH = 8
NUM_CLASSES = 5
FRAMES, CONTEXT, IN_DIM, EMBED_DIM = 4, 8, 6, 16
# repeated labels: positives span ranks at every world size
LABELS = torch.tensor([0, 1, 0, 2, 1, 1, 3, 0])
# multi-hot: overlapping label sets, one sample with two classes per rank
MULTI_HOT = torch.tensor([[1, 0, 0, 1, 0], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0],
                          [0, 0, 1, 0, 0], [0, 1, 1, 0, 0], [0, 0, 0, 1, 0],
                          [0, 0, 0, 0, 1], [1, 0, 0, 0, 1]])
# words per class name: ranks see different word counts, so the word
# embeddings of the categories differ in size across ranks
WORDS_PER_CLASS = [1, 3, 2, 4, 2]

CASES = {
    # frozen text: categories gathered without gradient
    'mean': dict(
        head=dict(aggregation='mean', temporal_layers=0),
        text_trainable=False, multi_hot=False),
    # trainable text and a temporal transformer before the gather
    'vcs': dict(
        head=dict(aggregation='vcs', temporal_layers=1),
        text_trainable=True, multi_hot=False),
    'vcs_multi_hot': dict(
        head=dict(aggregation='vcs', temporal_layers=1),
        text_trainable=True, multi_hot=True),
}


class TinyVideoText(nn.Module):
    """A small trainable stand-in for CLIP: linear frame and token embedders
    and a learnable temperature, feeding a :class:`VCSHead` and its
    :class:`DistInfoNCELoss`."""

    def __init__(self, head: dict, text_trainable: bool) -> None:
        super().__init__()
        self.frame_embed = nn.Linear(IN_DIM, EMBED_DIM)
        self.token_embed = nn.Linear(IN_DIM, EMBED_DIM)
        self.token_embed.requires_grad_(text_trainable)
        self.log_scale = nn.Parameter(torch.tensor(math.log(10.0)))
        self.head = MODELS.build(
            dict(
                type='VCSHead',
                num_classes=NUM_CLASSES,
                in_channels=EMBED_DIM,
                saliency_temperature=0.1,
                **head))

    def categories(self, tokens: torch.Tensor, word_mask: torch.Tensor):
        token_feats = self.token_embed(tokens)
        return self.head.category_embeddings(token_feats[:, -1], token_feats,
                                             word_mask)

    def forward(self, frames: torch.Tensor, tokens: torch.Tensor,
                word_mask: torch.Tensor, data_samples: list) -> torch.Tensor:
        """Loss of a (local) batch through the head's own loss path."""
        return self.head.loss(
            self.frame_embed(frames), self.categories(tokens, word_mask),
            data_samples, self.log_scale.exp())['loss_cls']


def global_batch(multi_hot: bool) -> dict:
    """The same global batch on every process: frames, the tokens of each
    sample's category, and labels."""
    gen = torch.Generator().manual_seed(1)
    frames = torch.randn(GLOBAL_BATCH, FRAMES, IN_DIM, generator=gen)
    class_tokens = torch.randn(NUM_CLASSES, CONTEXT, IN_DIM, generator=gen)
    class_mask = torch.zeros(NUM_CLASSES, CONTEXT, dtype=torch.bool)
    for k, words in enumerate(WORDS_PER_CLASS):
        class_mask[k, 1:1 + words] = True
    labels = MULTI_HOT if multi_hot else LABELS
    # the category of a multi-label sample: its first class
    first_class = labels.argmax(1) if multi_hot else labels
    return dict(
        frames=frames.double(),
        tokens=class_tokens[first_class].double(),
        word_mask=class_mask[first_class],
        labels=labels)


def build_model(case: dict) -> TinyVideoText:
    torch.manual_seed(0)
    return TinyVideoText(case['head'], case['text_trainable']).double()


def samples_of(labels: torch.Tensor) -> list:
    return [set_gt_label(ActionDataSample(), label) for label in labels]


def _worker(rank: int, world_size: int, store: str, out: str) -> None:
    """One process of a gloo group: local loss, backward under DDP."""
    torch.set_num_threads(1)
    dist.init_process_group(
        'gloo', init_method=f'file://{store}', rank=rank,
        world_size=world_size)
    results = {}
    local = slice(rank * GLOBAL_BATCH // world_size,
                  (rank + 1) * GLOBAL_BATCH // world_size)
    for name, case in CASES.items():
        model = build_model(case)
        score_shapes = []
        score = model.head.score

        def recording_score(videos, categories, score=score,
                            shapes=score_shapes):
            scores = score(videos, categories)
            shapes.append(tuple(scores.shape))
            return scores

        model.head.score = recording_score
        batch = global_batch(case['multi_hot'])
        # keep the wrapper alive: its reducer averages the gradients over the
        # ranks during backward
        ddp_model = DistributedDataParallel(model)
        loss = ddp_model(batch['frames'][local], batch['tokens'][local],
                         batch['word_mask'][local],
                         samples_of(batch['labels'][local]))
        loss.backward()
        mean_loss = loss.detach().clone()
        dist.all_reduce(mean_loss)
        results[name] = dict(
            loss=mean_loss / world_size,
            grads={
                n: p.grad.clone()
                for n, p in model.named_parameters() if p.requires_grad
            },
            score_shapes=score_shapes)
    if rank == 0:
        torch.save(results, out)
    leave_process_group()


def eq7_loss(scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Paper Eq. 7 written out term by term: ``scores[i, j]`` is the scaled
    similarity of video i and the category of sample j; K(i) are the samples
    sharing a class with sample i."""
    batch = scores.shape[0]

    def positives(i):
        if labels.dim() == 1:
            return [k for k in range(batch) if labels[k] == labels[i]]
        return [k for k in range(batch) if (labels[k] * labels[i]).sum() > 0]

    video_to_category = category_to_video = 0
    for i in range(batch):
        pos = positives(i)
        row_norm = torch.logsumexp(scores[i, :], 0)
        col_norm = torch.logsumexp(scores[:, i], 0)
        video_to_category = video_to_category - sum(
            scores[i, k] - row_norm for k in pos) / len(pos)
        category_to_video = category_to_video - sum(
            scores[k, i] - col_norm for k in pos) / len(pos)
    return (video_to_category + category_to_video) / (2 * batch)


@pytest.fixture(scope='module')
def single_process():
    """Loss and gradients of the plain single-process model on the global
    batch, and the Eq. 7 loss of its full score matrix."""
    results = {}
    for name, case in CASES.items():
        model = build_model(case)
        batch = global_batch(case['multi_hot'])
        loss = model(batch['frames'], batch['tokens'], batch['word_mask'],
                     samples_of(batch['labels']))
        loss.backward()
        with torch.no_grad():
            scores = model.log_scale.exp() * model.head.score(
                model.head.temporal(model.frame_embed(batch['frames'])),
                model.categories(batch['tokens'], batch['word_mask']))
        results[name] = dict(
            loss=loss.detach(),
            eq7=eq7_loss(scores, batch['labels']),
            grads={
                n: p.grad
                for n, p in model.named_parameters() if p.requires_grad
            })
    return results


def test_single_process_loss_is_eq7(single_process):
    for name, result in single_process.items():
        torch.testing.assert_close(
            result['loss'], result['eq7'], rtol=0, atol=1e-10, msg=name)


@pytest.mark.e2e
@pytest.mark.parametrize('world_size', [1, 2, 4])
def test_distributed_equals_single_process(world_size, single_process,
                                           tmp_path):
    out = str(tmp_path / 'results.pt')
    # fork: the workers start with torch and bike_mm already imported
    mp.start_processes(
        _worker,
        args=(world_size, str(tmp_path / 'store'), out),
        nprocs=world_size,
        start_method='fork')
    distributed = torch.load(out)
    local = GLOBAL_BATCH // world_size
    for name, expected in single_process.items():
        result = distributed[name]
        torch.testing.assert_close(
            result['loss'], expected['eq7'], rtol=0, atol=1e-10, msg=name)
        assert result['grads'].keys() == expected['grads'].keys()
        for param, grad in expected['grads'].items():
            assert grad.abs().max() > 0, f'{name}: {param} gets no gradient'
            # float64: far inside the 1e-5 the issue asks for
            torch.testing.assert_close(
                result['grads'][param], grad, rtol=0, atol=1e-9,
                msg=f'{name}: gradient of {param}')
        # each rank scores only its N videos against all NM categories
        assert result['score_shapes'] == [(local, GLOBAL_BATCH)], name


def test_collectives_without_process_group():
    tensor = torch.randn(3, 2, requires_grad=True)
    assert gather_batch(tensor) is tensor
    assert gather_sizes(tensor) == [3]
    scores = torch.randn(3, 3)
    assert torch.equal(score_columns(scores, [3]), scores.t())
