"""Container for encoded texts (categories or attribute sentences)."""
from typing import NamedTuple

import torch


class TextEmbeddings(NamedTuple):
    """Encoded texts, indexed together along dim 0.

    Attributes:
        sentence (Tensor): ``[K, D]`` sentence (EOT) embeddings.
        words (Tensor): ``[K, W, D]`` token embeddings used as words.
        word_mask (Tensor): ``[K, W]`` bool, the real words of each text.
    """
    sentence: torch.Tensor
    words: torch.Tensor
    word_mask: torch.Tensor

    @classmethod
    def from_tokens(cls, sentence: torch.Tensor, token_feats: torch.Tensor,
                    word_mask: torch.Tensor,
                    all_tokens: bool = False) -> 'TextEmbeddings':
        """Keep only the masked tokens, left-aligned and padded to the
        longest text, or all ``L`` tokens when ``all_tokens``.

        Args:
            sentence (Tensor): ``[K, D]``.
            token_feats (Tensor): ``[K, L, D]``.
            word_mask (Tensor): ``[K, L]`` bool.
            all_tokens (bool): Use every context token as a word (the released
                BIKE code does). Defaults to False.
        """
        if all_tokens:
            return cls(sentence, token_feats, torch.ones_like(word_mask))
        num_words = int(word_mask.sum(1).max())
        # stable sort puts each row's words first, in their original order
        order = torch.sort((~word_mask).int(), dim=1, stable=True)[1]
        order = order[:, :num_words]
        words = token_feats.gather(
            1, order[..., None].expand(-1, -1, token_feats.shape[-1]))
        return cls(sentence, words, word_mask.gather(1, order))

    def select(self, index: torch.Tensor) -> 'TextEmbeddings':
        """Rows ``index`` of every field."""
        return TextEmbeddings(*(field[index] for field in self))

    def to(self, *args, **kwargs) -> 'TextEmbeddings':
        return TextEmbeddings(*(field.to(*args, **kwargs) for field in self))
