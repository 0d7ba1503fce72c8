"""Weight-space ensembling of a fine-tuned model with the model it started
from (WiSE-FT)."""
from typing import Dict

import torch


def interpolate_weights(finetuned_sd: Dict[str, torch.Tensor],
                        zero_shot_sd: Dict[str, torch.Tensor],
                        alpha: float) -> Dict[str, torch.Tensor]:
    """``theta = (1 - alpha) * zero_shot + alpha * finetuned``.

    Every floating-point entry of ``zero_shot_sd`` is interpolated with the
    entry of the same name in ``finetuned_sd``; the other entries of
    ``finetuned_sd`` (integer buffers, and modules that only the fine-tuned
    model has, such as a new head) are kept as they are. ``alpha = 0`` is
    the zero-shot model (with the fine-tuned model's own modules), 1 the
    fine-tuned one.

    Args:
        finetuned_sd (dict[str, Tensor]): The fine-tuned state dict.
        zero_shot_sd (dict[str, Tensor]): The state dict it started from,
            with the same names (e.g. only the ``backbone.`` entries).
        alpha (float): Weight of the fine-tuned model, in ``[0, 1]``.

    Returns:
        dict[str, Tensor]: A new state dict with the keys of
        ``finetuned_sd``.
    """
    if not 0 <= alpha <= 1:
        raise ValueError(f'alpha must be in [0, 1], got {alpha}')
    missing = sorted(set(zero_shot_sd) - set(finetuned_sd))
    if missing:
        raise ValueError(f'The fine-tuned weights lack {len(missing)} '
                         f'zero-shot entries, e.g. {missing[0]!r}: not a '
                         'fine-tuned copy of the same model')
    merged = dict(finetuned_sd)
    for name, start in zero_shot_sd.items():
        tuned = finetuned_sd[name]
        if tuned.shape != start.shape:
            raise ValueError(f'{name}: shape {list(tuned.shape)} fine-tuned, '
                             f'{list(start.shape)} zero-shot')
        if tuned.is_floating_point():
            start = start.to(tuned.device, tuned.dtype)
            merged[name] = torch.lerp(start, tuned, alpha)
    return merged
