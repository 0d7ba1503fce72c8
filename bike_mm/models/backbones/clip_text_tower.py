"""The text tower of an open_clip CLIP: prompts to tokens to embeddings."""
from typing import Dict, Sequence, Tuple

import open_clip
import torch
import torch.nn as nn

from .open_clip_adapter import encode_text_tokens

#: Parameter and buffer names of open_clip's CLIP that are not text tower.
_NOT_TEXT_PREFIXES = ('visual.', 'logit_')


def text_tower_state(clip: nn.Module) -> Dict[str, torch.Tensor]:
    """The text tower's tensors (parameters and buffers) of an open_clip
    CLIP, by name."""
    # not state_dict(): its hooks run, and FSDP's reshard the parameters of
    # a sharded model whose forward encodes categories
    tensors = dict(clip.named_parameters())
    tensors.update(clip.named_buffers())
    return {
        name: tensor
        for name, tensor in tensors.items()
        if not name.startswith(_NOT_TEXT_PREFIXES)
    }


class CLIPTextTower:
    """Tokenizes prompts and encodes them with the text tower of an
    open_clip CLIP.

    A view of the CLIP, not an ``nn.Module``: the weights stay in the CLIP
    of the component that owns it (:class:`OpenCLIP`,
    :class:`OpenCLIPTextEncoder`) under their ``clip.*`` names, so
    checkpoints and CLIP weights keep their keys.

    Args:
        clip (open_clip.CLIP): A CLIP with the classic text tower.
        arch (str): Its open_clip model name (chooses the tokenizer).
        chunk_size (int): Without gradients, :meth:`encode` encodes at most
            this many texts at once, which bounds the memory of encoding all
            K categories (the activations of 400 x 77 tokens are ~1 GiB for
            ViT-B) at the same speed. Defaults to 64.
        frozen (bool): The text tower gets no gradients and stays in eval
            mode (see :meth:`train`). Defaults to True.
    """

    def __init__(self,
                 clip: nn.Module,
                 arch: str,
                 chunk_size: int = 64,
                 frozen: bool = True) -> None:
        self.clip = clip
        self.arch = arch
        self.chunk_size = chunk_size
        self.frozen = frozen
        self.tokenizer = open_clip.get_tokenizer(arch)
        self.context_length = clip.context_length
        if frozen:
            for name, param in clip.named_parameters():
                if not name.startswith(_NOT_TEXT_PREFIXES):
                    param.requires_grad_(False)

    @property
    def embed_dim(self) -> int:
        """int: Dimension D of the joint embedding space."""
        return self.clip.text_projection.shape[-1]

    @property
    def device(self) -> torch.device:
        """torch.device: Where the text tower's weights are (a frozen one
        may be kept off the training device, see CategoryCacheHook)."""
        return self.clip.token_embedding.weight.device

    def train(self, mode: bool = True) -> None:
        """Follow the owner's mode; a frozen text tower stays in eval
        mode."""
        self.clip.transformer.train(mode and not self.frozen)

    def encode(self,
               tokens: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode token sequences with the CLIP text transformer.

        Args:
            tokens (Tensor): ``[K, L]`` token ids.

        Returns:
            tuple[Tensor, Tensor]: The sentence embedding ``[K, D]`` (taken at
            the EOT token, as CLIP does) and the projected embedding of every
            token ``[K, L, D]``.
        """
        if not torch.is_grad_enabled() and \
                tokens.shape[0] > self.chunk_size:
            chunks = [
                encode_text_tokens(self.clip, chunk)
                for chunk in tokens.split(self.chunk_size)
            ]
            return tuple(torch.cat(parts) for parts in zip(*chunks))
        return encode_text_tokens(self.clip, tokens)

    def tokenize(self, texts: Sequence[str],
                 template: str = '{}') -> Tuple[torch.Tensor, torch.Tensor]:
        """Tokenize ``template.format(text)`` for every text and mark the
        tokens that come from the text itself (the paper's N words).

        Args:
            texts (Sequence[str]): K texts, e.g. class names.
            template (str): Prompt with one ``{}``. Defaults to ``'{}'``.

        Returns:
            tuple[Tensor, Tensor]: Token ids ``[K, L]`` (identical to the
            open_clip tokenizer's output for the formatted prompt) and a bool
            mask ``[K, L]`` of the text's own tokens.
        """
        if template.count('{}') != 1:
            raise ValueError(
                f'Prompt template {template!r} must contain exactly one '
                '"{}"')
        if len(texts) == 0:
            raise ValueError('Cannot tokenize an empty list of texts')
        prefix, suffix = template.split('{}')
        encode = self.tokenizer.encode
        prefix_ids, suffix_ids = encode(prefix), encode(suffix)
        sot = self.tokenizer.sot_token_id
        eot = self.tokenizer.eot_token_id
        length = self.context_length
        tokens = torch.zeros(len(texts), length, dtype=torch.long)
        mask = torch.zeros(len(texts), length, dtype=torch.bool)
        for i, text in enumerate(texts):
            text_ids = encode(text)
            ids = [sot] + prefix_ids + text_ids + suffix_ids + [eot]
            if len(ids) > length:  # truncate as open_clip does: keep EOT
                ids = ids[:length - 1] + [eot]
            start = 1 + len(prefix_ids)
            end = min(start + len(text_ids), length - 1)
            if end <= start:
                raise ValueError(
                    f'Text {text!r} has no token left in the '
                    f'{length}-token context of template {template!r}')
            tokens[i, :len(ids)] = torch.tensor(ids)
            mask[i, start:end] = True
        return tokens, mask
