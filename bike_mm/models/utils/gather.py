"""Collectives with exact gradients for contrastive losses.

The autograd-aware collectives are torch's own
(``torch.distributed.nn.functional``, on every torch bike_mm supports);
this module adds what a contrastive loss needs around them: ragged sizes
across ranks (padding to the largest size, then cutting each rank's rows
out again) and the exchange of score blocks.
"""
import warnings
from typing import Callable, List, NamedTuple, Optional

import torch
import torch.distributed as dist
import torch.distributed.nn.functional as autograd_dist


def _is_distributed(group: Optional[dist.ProcessGroup]) -> bool:
    return dist.is_available() and dist.is_initialized() and \
        dist.get_world_size(group) > 1


def _call_autograd_collective(collective: Callable, *args, **kwargs):
    # newer torch marks these FutureWarning in favour of a private module
    # (torch.distributed._functional_collectives); they are the public,
    # autograd-aware collectives of every supported torch
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        return collective(*args, **kwargs)


def _world(group: Optional[dist.ProcessGroup]) -> dist.ProcessGroup:
    # torch's autograd collectives take the group object, not None
    return dist.group.WORLD if group is None else group


def gather_batch(tensor: torch.Tensor,
                 group: Optional[dist.ProcessGroup] = None) -> torch.Tensor:
    """Concatenate ``tensor`` of every rank along dim 0, rank order.

    Differentiable (``torch.distributed.nn.functional.all_gather``): the
    backward pass gives each rank the sum of the gradients that *every*
    rank's loss sends to this rank's slice, so after DDP averages gradients
    the update equals the single-process update on the global batch.
    Identity when not distributed.

    Ranks may hold different sizes (e.g. word embeddings ``[N, W, D]`` padded
    to each rank's longest category name, or a smaller last batch): every
    dim is zero-padded to the largest size over the ranks, and each rank
    contributes exactly its own rows. Zero padding is neutral where a mask
    marks the valid entries (bool masks pad with False).

    Args:
        tensor (Tensor): Local tensor ``[N_r, ...]``, the same number of
            dims on every rank.
        group (ProcessGroup, optional): Process group. Defaults to the world.

    Returns:
        Tensor: ``[sum_r N_r, ...]`` (``[N * M, ...]`` for M equal ranks).
    """
    if not _is_distributed(group):
        return tensor
    world_size = dist.get_world_size(group)
    shape = torch.tensor(tensor.shape, device=tensor.device)
    shapes = [torch.empty_like(shape) for _ in range(world_size)]
    dist.all_gather(shapes, shape, group=group)
    max_shape = torch.stack(shapes).amax(0).tolist()
    if list(tensor.shape) != max_shape:
        padded = tensor.new_zeros(max_shape)
        padded[tuple(slice(0, size) for size in tensor.shape)] = tensor
        tensor = padded
    parts = _call_autograd_collective(autograd_dist.all_gather, tensor,
                                      group=_world(group))
    return torch.cat(
        [part[:int(size[0])] for part, size in zip(parts, shapes)])


def gather_sizes(tensor: torch.Tensor,
                 group: Optional[dist.ProcessGroup] = None) -> List[int]:
    """The dim-0 size of ``tensor`` on every rank, rank order."""
    size = torch.tensor([tensor.shape[0]], device=tensor.device)
    return gather_batch(size, group).tolist()


def score_columns(scores: torch.Tensor,
                  sizes: List[int],
                  group: Optional[dist.ProcessGroup] = None) -> torch.Tensor:
    """This rank's columns of a score matrix whose rows are spread over the
    ranks, transposed.

    The global matrix ``S`` (rows: e.g. all videos, columns: e.g. all
    categories, both in rank order) is held by rows: rank r has
    ``S[rows_r, :]``. Returns ``S[:, cols_r].t()``: the scores of this
    rank's column items against every row item, exchanged with one
    all-to-all of scalar score blocks (no features move). Differentiable
    (``torch.distributed.nn.functional.all_to_all_single``): each gradient
    goes back to the rank that computed the score. ``scores.t()`` when not
    distributed.

    Args:
        scores (Tensor): ``[N_r, sum(sizes)]``, this rank's rows.
        sizes (list[int]): Rows (and columns) held by each rank, e.g. from
            :func:`gather_sizes`.
        group (ProcessGroup, optional): Process group. Defaults to the world.

    Returns:
        Tensor: ``[N_r, sum(sizes)]``.
    """
    if not _is_distributed(group):
        return scores.t()
    num_local = scores.shape[0]
    # block s: this rank's rows x rank s's columns, sent to rank s transposed
    blocks = scores.split(sizes, dim=1)
    received_sizes = [num_local * size for size in sizes]
    received = _call_autograd_collective(
        autograd_dist.all_to_all_single,
        scores.new_empty(sum(received_sizes)),
        torch.cat([block.t().reshape(-1) for block in blocks]),
        received_sizes, [block.numel() for block in blocks],
        group=_world(group))
    # from rank s: S[rows_s, cols_r].t(), [N_r, N_s]
    parts = received.split(received_sizes)
    return torch.cat(
        [part.view(num_local, size) for part, size in zip(parts, sizes)],
        dim=1)


class Collectives(NamedTuple):
    """The collectives :class:`DistInfoNCELoss` uses, as one argument (a
    benchmark or a test gives simulated ones; the signatures are those of
    :func:`gather_batch`, :func:`gather_sizes` and :func:`score_columns`
    without the group).

    Attributes:
        gather_batch (callable): ``gather_batch(tensor)`` -> the tensors of
            every rank concatenated along dim 0.
        gather_sizes (callable): ``gather_sizes(tensor)`` -> the dim-0 size
            on every rank.
        score_columns (callable): ``score_columns(scores, sizes)`` -> this
            rank's columns of the global score matrix, transposed.
    """
    gather_batch: Callable[[torch.Tensor], torch.Tensor]
    gather_sizes: Callable[[torch.Tensor], List[int]]
    score_columns: Callable[[torch.Tensor, List[int]], torch.Tensor]


#: torch.distributed over the default process group.
TORCH_COLLECTIVES = Collectives(gather_batch, gather_sizes, score_columns)
