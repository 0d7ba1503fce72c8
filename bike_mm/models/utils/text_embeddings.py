"""Container for encoded texts (categories or attribute sentences)."""
from typing import List, NamedTuple

import torch
import torch.nn.functional as F


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

    @classmethod
    def average(cls, embeddings: List['TextEmbeddings']) -> 'TextEmbeddings':
        """Prompt ensembling: the mean of the L2-normalised embeddings of the
        same texts under several prompts. One input is returned as is.

        The word masks must agree (the texts' own words do not depend on
        the prompt, unless a prompt truncates them).
        """
        if len(embeddings) == 1:
            return embeddings[0]
        mask = embeddings[0].word_mask
        if any(e.word_mask.shape != mask.shape
               or not torch.equal(e.word_mask, mask) for e in embeddings):
            raise ValueError('Prompt ensembling needs the same words under '
                             'every prompt; a prompt truncates some texts')

        def mean(field: int) -> torch.Tensor:
            return torch.stack([
                F.normalize(e[field], dim=-1) for e in embeddings
            ]).mean(0)

        return cls(mean(0), mean(1), mask)

    def select(self, index: torch.Tensor) -> 'TextEmbeddings':
        """Rows ``index`` of every field."""
        return TextEmbeddings(*(field[index] for field in self))

    def to(self, *args, **kwargs) -> 'TextEmbeddings':
        return TextEmbeddings(*(field.to(*args, **kwargs) for field in self))
