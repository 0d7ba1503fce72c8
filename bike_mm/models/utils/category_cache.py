"""Category embeddings computed once per text encoder, prompt and classes.

With a frozen category encoder the K category embeddings never change during
training, yet computing them costs minutes for K = 400 on a CPU (ViT-B text
tower, 77 tokens per class). :func:`load_or_encode` keeps them in a file of
a cache directory (the work dir's ``category_cache/``, set by
:class:`CategoryCacheHook`), named and verified by a SHA-256 key of
everything they depend on: the text tower's weights, the class token ids
(which encode the prompt template and the class names), the word masks and
the head that turns text features into category embeddings. A restart, or
another process of the same job, reads the file instead of encoding again.
A file whose key differs, or that cannot be read, is ignored with a warning
and rewritten.
"""
import hashlib
import os
import os.path as osp
import warnings
from typing import Callable, Optional

import torch
import torch.nn as nn

from ..backbones.clip_text_tower import text_tower_state
from .text_embeddings import TextEmbeddings


def _update(digest, tensor: torch.Tensor) -> None:
    tensor = tensor.detach().to('cpu').contiguous()
    digest.update(f'{tensor.dtype}{tuple(tensor.shape)}'.encode())
    digest.update(tensor.view(-1).view(torch.uint8).numpy().tobytes())


def _head_description(head: nn.Module) -> str:
    """The head's type and its plain settings (e.g. ``all_tokens``): what
    decides how text features become category embeddings."""
    settings = sorted((name, value) for name, value in vars(head).items()
                      if not name.startswith('_') and name != 'training'
                      and isinstance(value, (bool, int, float, str)))
    return f'{type(head).__module__}.{type(head).__qualname__}{settings}'


def category_cache_key(clip: nn.Module, tokens: torch.Tensor,
                       word_mask: torch.Tensor, head: nn.Module) -> str:
    """SHA-256 of what the category embeddings depend on.

    Args:
        clip (nn.Module): The open_clip CLIP whose text tower encodes.
        tokens (Tensor): ``[P, K, L]`` token ids of the P prompt templates
            used (one template, or all of them for an ensemble).
        word_mask (Tensor): ``[P, K, L]`` bool, the class names' tokens.
        head (nn.Module): The head whose ``category_embeddings`` is applied.

    Returns:
        str: 64 hex digits.
    """
    digest = hashlib.sha256()
    digest.update(_head_description(head).encode())
    for name, tensor in sorted(text_tower_state(clip).items()):
        digest.update(name.encode())
        _update(digest, tensor)
    _update(digest, tokens)
    _update(digest, word_mask)
    return digest.hexdigest()


def cache_file(directory: str, key: str) -> str:
    """Path of the cache file of ``key`` in ``directory``."""
    return osp.join(directory, f'categories_{key[:16]}.pth')


def _load(path: str, key: str) -> Optional[TextEmbeddings]:
    if not osp.isfile(path):
        return None
    try:
        content = torch.load(path, map_location='cpu', weights_only=True)
        if content['key'] != key:
            raise ValueError('it was computed from other weights, prompts '
                             'or classes')
        return TextEmbeddings(*content['fields'])
    except Exception as err:  # any unreadable file is recomputed
        warnings.warn(
            f'Category cache {path} ignored and rewritten: '
            f'{type(err).__name__}: {err}',
            stacklevel=2)
        return None


def _save(path: str, key: str, embeddings: TextEmbeddings) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    # write then rename: a process reading concurrently never sees half a
    # file, and ranks writing the same content do not corrupt each other
    partial = f'{path}.{os.getpid()}.partial'
    torch.save(dict(key=key, fields=[f.cpu() for f in embeddings]), partial)
    os.replace(partial, path)


def load_or_encode(encode: Callable[[], TextEmbeddings], clip: nn.Module,
                   tokens: torch.Tensor, word_mask: torch.Tensor,
                   head: nn.Module,
                   directory: Optional[str]) -> TextEmbeddings:
    """Category embeddings from the cache file, or ``encode()`` (without
    gradients) and stored there.

    Args:
        encode (callable): Computes the embeddings.
        clip, tokens, word_mask, head: What the embeddings depend on (see
            :func:`category_cache_key`).
        directory (str, optional): The cache directory; None encodes
            without any file.

    Returns:
        TextEmbeddings: On the device ``encode`` returns, or on the CPU when
        read from the file.
    """
    if directory is None:
        with torch.no_grad():
            return encode()
    key = category_cache_key(clip, tokens, word_mask, head)
    path = cache_file(directory, key)
    cached = _load(path, key)
    if cached is not None:
        return cached
    with torch.no_grad():
        embeddings = encode()
    _save(path, key, embeddings)
    return embeddings
