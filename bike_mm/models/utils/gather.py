"""Collectives with exact gradients for contrastive losses."""
from typing import List, Optional

import torch
import torch.distributed as dist


class _AllGatherWithGrad(torch.autograd.Function):
    """All-gather into ``[M, ...]``; backward sums the gradient over the
    ranks and returns this rank's part."""

    @staticmethod
    def forward(ctx, tensor: torch.Tensor,
                group: Optional[dist.ProcessGroup]) -> torch.Tensor:
        ctx.group = group
        parts = [torch.empty_like(tensor)
                 for _ in range(dist.get_world_size(group))]
        dist.all_gather(parts, tensor.contiguous(), group=group)
        return torch.stack(parts)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        # a private copy: all_reduce works in place
        grad = grad.clone(memory_format=torch.contiguous_format)
        dist.all_reduce(grad, group=ctx.group)
        return grad[dist.get_rank(ctx.group)], None


class _AllToAll(torch.autograd.Function):
    """``all_to_all_single`` of a flat tensor; backward sends every gradient
    back where its value came from."""

    @staticmethod
    def forward(ctx, tensor: torch.Tensor, output_splits: List[int],
                input_splits: List[int],
                group: Optional[dist.ProcessGroup]) -> torch.Tensor:
        ctx.splits, ctx.group = (output_splits, input_splits), group
        out = tensor.new_empty(sum(output_splits))
        dist.all_to_all_single(out, tensor.contiguous(), output_splits,
                               input_splits, group=group)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        output_splits, input_splits = ctx.splits
        out = grad.new_empty(sum(input_splits))
        dist.all_to_all_single(out, grad.contiguous(), input_splits,
                               output_splits, group=ctx.group)
        return out, None, None, None


def _is_distributed(group: Optional[dist.ProcessGroup]) -> bool:
    return dist.is_available() and dist.is_initialized() and \
        dist.get_world_size(group) > 1


def gather_batch(tensor: torch.Tensor,
                 group: Optional[dist.ProcessGroup] = None) -> torch.Tensor:
    """Concatenate ``tensor`` of every rank along dim 0, rank order.

    Differentiable: the backward pass gives each rank the sum of the
    gradients that *every* rank's loss sends to this rank's slice, so after
    DDP averages gradients the update equals the single-process update on the
    global batch. Tensors that need no
    gradient (labels, frozen embeddings) use a plain all-gather. Identity when
    not distributed.

    Ranks may hold different sizes (e.g. word embeddings ``[N, W, D]`` padded
    to each rank's longest category name, or a smaller last batch): every
    dim after the first is zero-padded to the largest size over the ranks,
    and each rank contributes exactly its own rows. Zero padding is neutral
    where a mask marks the valid entries (bool masks pad with False).

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
    if tensor.requires_grad:
        parts = _AllGatherWithGrad.apply(tensor, group)
    else:
        parts = [torch.empty_like(tensor) for _ in range(world_size)]
        dist.all_gather(parts, tensor.contiguous(), group=group)
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
    all-to-all of scalar score blocks (no features move). Differentiable:
    each gradient goes back to the rank that computed the score. ``scores.t()``
    when not distributed.

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
    received = _AllToAll.apply(
        torch.cat([block.t().reshape(-1) for block in blocks]),
        [num_local * size for size in sizes],
        [block.numel() for block in blocks], group)
    # from rank s: S[rows_s, cols_r].t(), [N_r, N_s]
    parts = received.split([num_local * size for size in sizes])
    return torch.cat(
        [part.view(num_local, size) for part, size in zip(parts, sizes)],
        dim=1)
