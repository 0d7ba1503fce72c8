"""Batch gathering across processes for contrastive losses."""
from typing import Optional

import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_nn


def gather_batch(tensor: torch.Tensor,
                 group: Optional[dist.ProcessGroup] = None) -> torch.Tensor:
    """Concatenate ``tensor`` of every rank along dim 0, rank order.

    Differentiable: the backward pass gives each rank the sum of the
    gradients that *every* rank's loss sends to this rank's slice (torch's
    autograd all-gather), so after DDP averages gradients the update equals
    the single-process update on the global batch. Tensors that need no
    gradient (labels, frozen embeddings) use a plain all-gather. Identity when
    not distributed.

    Args:
        tensor (Tensor): Local tensor ``[N, ...]``; the same shape on every
            rank.
        group (ProcessGroup, optional): Process group. Defaults to the world.

    Returns:
        Tensor: ``[N * M, ...]`` with M the number of ranks.
    """
    if not dist.is_available() or not dist.is_initialized() or \
            dist.get_world_size(group) == 1:
        return tensor
    if tensor.requires_grad:
        return torch.cat(dist_nn.all_gather(tensor, group=group))
    parts = [torch.empty_like(tensor) for _ in range(dist.get_world_size(group))]
    dist.all_gather(parts, tensor.contiguous(), group=group)
    return torch.cat(parts)

