"""Batch gathering across processes for contrastive losses."""
from typing import Optional

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
    if not dist.is_available() or not dist.is_initialized() or \
            dist.get_world_size(group) == 1:
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
