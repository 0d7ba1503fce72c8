"""Builds open_clip CLIPs: the architecture by name, the weights by tag or
file, as open_clip resolves them."""
import os.path as osp
from typing import Optional

import open_clip
import torch.nn as nn

from .open_clip_adapter import has_classic_text_tower

# Architectures shipped with bike_mm (the tiny models of the tests and the
# demo) are registered with open_clip, so they are built by name like any
# built-in open_clip architecture.
open_clip.add_model_config(osp.join(osp.dirname(__file__), 'model_configs'))

#: Log of CLIP's initial inverse temperature 100 (temperature 0.01).
LOG_100 = 4.605170185988092


def clip_arch_name(arch: str) -> str:
    """open_clip's model name: ``'ViT-B/32'`` is read as ``'ViT-B-32'``."""
    return arch.replace('/', '-')


def create_clip(arch: str,
                pretrained: Optional[str] = None,
                quick_gelu: bool = True,
                cache_dir: Optional[str] = None,
                init_logit_scale: float = LOG_100,
                image_tower: bool = True,
                owner: str = 'create_clip') -> nn.Module:
    """An open_clip CLIP with the classic text tower BIKE needs.

    Args:
        arch (str): open_clip model name, e.g. ``'ViT-B-32'``, ``'ViT-L-14'``
            or ``'ViT-Tiny-16'`` / ``'ViT-Tiny-Wide-16'`` (tiny models shipped
            with bike_mm). ``'ViT-B/32'`` spelling is accepted.
        pretrained (str, optional): open_clip pretrained tag of ``arch``
            (e.g. ``'openai'``) or the path of a checkpoint file. None gives
            random initialisation. Defaults to None.
        quick_gelu (bool): Use QuickGELU activations. OpenAI CLIP weights (and
            so every released BIKE model) were trained with QuickGELU; plain
            GELU silently changes their features. Defaults to True.
        cache_dir (str, optional): Where open_clip keeps weights resolved
            from a tag. Defaults to None.
        init_logit_scale (float): Initial logit scale when no weights are
            loaded. Defaults to ``log(100)``.
        image_tower (bool): Keep the image tower; without it
            (``clip.visual`` is None) its weights stay out of memory and
            checkpoints. Defaults to True.
        owner (str): Named in error messages. Defaults to ``'create_clip'``.

    Returns:
        open_clip.CLIP: Parameters under open_clip's names.
    """
    arch = clip_arch_name(arch)
    if pretrained is not None and not osp.isfile(pretrained) and \
            not open_clip.get_pretrained_cfg(arch, pretrained):
        raise FileNotFoundError(
            f'{owner}(arch={arch!r}): pretrained={pretrained!r} is neither '
            'an existing file nor an open_clip tag of this architecture '
            f'(tags: {open_clip.list_pretrained_tags_by_model(arch)})')
    try:
        clip = open_clip.create_model(
            arch,
            pretrained=pretrained,
            force_quick_gelu=quick_gelu,
            cache_dir=cache_dir,
            init_logit_scale=init_logit_scale)
    except RuntimeError as err:
        raise RuntimeError(f'{owner}: cannot build {arch!r} from '
                           f'pretrained={pretrained!r}: {err}') from err
    if not has_classic_text_tower(clip):
        raise ValueError(
            f'{owner}: {arch!r} has a custom text tower; BIKE needs the '
            'token outputs of the CLIP text transformer.')
    if not image_tower:
        clip.visual = None
    return clip
