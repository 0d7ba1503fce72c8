"""Helpers for multi-label training batches, shared by every head."""
import torch


def sample_positive_classes(labels: torch.Tensor) -> torch.Tensor:
    """One class drawn uniformly from each sample's positives: the category
    a multi-label sample is contrasted with in a training batch.

    Args:
        labels (Tensor): ``[N, K]`` multi-hot labels.

    Returns:
        Tensor: ``[N]`` class indices.
    """
    empty = (labels <= 0).all(1)
    if empty.any():
        raise ValueError('multi-label sample(s) '
                         f'{empty.nonzero().flatten().tolist()} of the batch '
                         'have no positive class')
    return torch.multinomial((labels > 0).float(), 1).squeeze(1)
