"""The contract between :class:`BIKERecognizer` and its heads."""
from abc import abstractmethod
from typing import Any, ClassVar, Dict, Optional, Union

import torch
from mmaction.models.heads import BaseHead
from mmaction.utils import SampleList

from ..utils.text_embeddings import TextEmbeddings

#: What a head scores (:attr:`TextConditionedHead.features`).
FRAMES = 'frames'
FRAMES_AND_PATCHES = 'frames_and_patches'
SENTENCES = 'sentences'
#: Which categories its loss is given
#: (:attr:`TextConditionedHead.loss_categories`).
BATCH_CATEGORIES = 'batch'
ALL_CATEGORIES = 'all'
#: ``average_clips`` values: mmaction's, and the released BIKE test scoring.
AVERAGE_CLIPS = ('score', 'prob', 'released', None)


class TextConditionedHead(BaseHead):
    """Base of heads that score features against category text embeddings.

    A subclass declares what it consumes, and :class:`BIKERecognizer` calls
    it through these declarations and methods only:

    - :attr:`features`: ``'frames'`` (frame embeddings ``[N, T, D]``),
      ``'frames_and_patches'`` (a tuple of those and the last vision block's
      patch tokens ``[N, T, P, W]``) or ``'sentences'`` (embeddings of
      attribute sentences ``[N, D]``);
    - :attr:`loss_categories`: ``'batch'`` when the loss takes the category
      of each sample (``C[y_i]``, contrastive, plus ``category_labels`` for
      multi-label samples), ``'all'`` when it takes all K categories (a
      classifier);
    - labels are read from the data samples given to :meth:`loss`;
    - the number of classes is set by :meth:`set_num_classes`, which checks
      it against what the head holds;
    - :meth:`category_embeddings` turns the text encoder's outputs into the
      head's form, :meth:`similarity` scores (unscaled), :meth:`forward`
      scales by the logit scale, :meth:`predict` fills the predictions.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Embedding dimension D.
        average_clips (str, optional): How the scores of a sample's views
            become its prediction: mmaction's ``'prob'`` (mean of
            ``softmax(logit_scale * s)``) or ``'score'`` (mean of the
            logits), or ``'released'``: the released BIKE test code's mean
            of ``softmax(s)`` over views (unscaled similarities), passed
            through a softmax again. Defaults to ``'prob'``.
        **kwargs: :class:`BaseHead` arguments.
    """

    features: ClassVar[str] = FRAMES
    loss_categories: ClassVar[str] = BATCH_CATEGORIES

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 average_clips: Optional[str] = 'prob',
                 **kwargs) -> None:
        if average_clips not in AVERAGE_CLIPS:
            raise ValueError(f'{type(self).__name__}: average_clips must be '
                             f'one of {AVERAGE_CLIPS}, got {average_clips!r}')
        super().__init__(
            num_classes, in_channels, average_clips=average_clips, **kwargs)

    def set_num_classes(self, num_classes: int) -> None:
        """Score ``num_classes`` categories from now on (open vocabulary).

        Args:
            num_classes (int): The new K.
        """
        if num_classes < 1:
            raise ValueError(f'{type(self).__name__}: num_classes must be '
                             f'positive, got {num_classes}')
        self.num_classes = num_classes

    def category_embeddings(self, sentence: torch.Tensor,
                            token_feats: torch.Tensor,
                            word_mask: torch.Tensor) -> TextEmbeddings:
        """Category embeddings in the form this head uses (see
        :meth:`TextEmbeddings.from_tokens`).

        Args:
            sentence (Tensor): ``[K, D]`` sentence embeddings.
            token_feats (Tensor): ``[K, L, D]`` token embeddings.
            word_mask (Tensor): ``[K, L]`` bool, the class names' own tokens.
        """
        return TextEmbeddings.from_tokens(sentence, token_feats, word_mask)

    @abstractmethod
    def similarity(self, feats: Any,
                   categories: TextEmbeddings) -> torch.Tensor:
        """Unscaled similarity ``[N, Nc]`` of N inputs (of the kind
        :attr:`features` says) and ``Nc`` categories."""

    def forward(self, feats: Any, categories: TextEmbeddings,
                logit_scale: Union[float, torch.Tensor]) -> torch.Tensor:
        """Logits ``[N, Nc]``: ``logit_scale *`` :meth:`similarity`."""
        return logit_scale * self.similarity(feats, categories)

    @abstractmethod
    def loss(self,
             feats: Any,
             categories: TextEmbeddings,
             data_samples: SampleList,
             logit_scale: torch.Tensor,
             category_labels: Optional[torch.Tensor] = None
             ) -> Dict[str, torch.Tensor]:
        """Losses of a batch; ``categories`` as :attr:`loss_categories`
        says."""

    def predict(self, feats: Any, categories: TextEmbeddings,
                data_samples: SampleList,
                logit_scale: torch.Tensor) -> SampleList:
        """Score ``B * V`` inputs against all categories, average the V
        views of each sample (``average_clips``) and fill the predictions.

        Args:
            feats: ``B * V`` inputs of the kind :attr:`features` says.
            categories (TextEmbeddings): All K categories.
            data_samples (list[ActionDataSample]): The B samples.
            logit_scale (Tensor): Inverse temperature.
        """
        if self.average_clips == 'released':
            # the released scoring softmaxes the unscaled similarities
            logit_scale = 1.0
        return self.predict_by_feat(
            self(feats, categories, logit_scale), data_samples)

    def average_clip(self, cls_scores: torch.Tensor,
                     num_segs: int = 1) -> torch.Tensor:
        """mmaction's view averaging, plus ``'released'``: the mean of the
        per-view softmax, passed through a softmax again.

        Args:
            cls_scores (Tensor): ``[B * num_segs, K]`` scores.
            num_segs (int): Views V per sample. Defaults to 1.

        Returns:
            Tensor: ``[B, K]``.
        """
        if self.average_clips != 'released':
            return super().average_clip(cls_scores, num_segs)
        probs = cls_scores.view(-1, num_segs, cls_scores.shape[-1]).softmax(-1)
        return probs.mean(1).softmax(-1)
