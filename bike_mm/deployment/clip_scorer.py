"""A recognizer as one tensor function, the graph that ONNX export traces."""
from typing import Optional

import torch
import torch.nn as nn

from ..models.heads.text4vis_head import Text4VisHead
from ..models.utils.text_embeddings import TextEmbeddings

#: Names of the exported graph's inputs and outputs.
FRAMES = 'frames'
CATEGORY_INPUTS = ('category_sentence', 'category_words',
                   'category_word_mask')
LOGITS = 'logits'


class ClipScorer(nn.Module):
    """Scores clips of raw frames against the categories of a
    :class:`BIKERecognizer`, as its ``test_step`` scores one view.

    The data preprocessor's channel order and normalisation are part of the
    graph, so the input is what the test pipeline packs: RGB frames in
    ``[0, 255]``. The output is the head's logits of each clip (with the
    unit logit scale of ``average_clips='released'``, as the head's
    ``predict`` uses); :func:`average_views` turns the logits of a video's
    views into its scores.

    Args:
        recognizer (nn.Module): A :class:`BIKERecognizer` of the video branch
            only, in eval mode.
        open_vocabulary (bool): The categories are inputs
            (:data:`CATEGORY_INPUTS`) instead of constants of the graph.
            Defaults to False.
    """

    def __init__(self, recognizer: nn.Module,
                 open_vocabulary: bool = False) -> None:
        super().__init__()
        if getattr(recognizer, 'attributes_head', None) is not None:
            raise ValueError(
                'ONNX export covers the video branch; this model has an '
                'attributes branch, which needs attribute sentences per '
                'video (export a config without attributes_head)')
        head = recognizer.cls_head
        if open_vocabulary and isinstance(head, Text4VisHead) and \
                head.classifier_type != 'text':
            raise ValueError(
                f'--open-vocabulary needs a text classifier; this '
                f'Text4VisHead has a fixed {head.classifier_type!r} one')
        if head.average_clips not in ('prob', 'score', 'released'):
            raise ValueError(
                f'Cannot export average_clips={head.average_clips!r}: '
                "the deployed model averages views by 'prob', 'score' or "
                "'released'")
        self.recognizer = recognizer.eval()
        self.open_vocabulary = open_vocabulary
        preprocessor = recognizer.data_preprocessor
        # [3, 1, 1] -> [1, 1, 3, 1, 1], broadcast over [B, T, 3, H, W]
        self.register_buffer('mean', preprocessor.mean.view(1, 1, 3, 1, 1))
        self.register_buffer('std', preprocessor.std.view(1, 1, 3, 1, 1))
        self.to_rgb = bool(preprocessor.to_rgb)
        if not open_vocabulary:
            with torch.no_grad():
                categories = recognizer.all_categories()
            for name, field in zip(CATEGORY_INPUTS, categories):
                self.register_buffer(name, field.detach().clone())

    @property
    def class_names(self):
        return self.recognizer.class_names

    def forward(self,
                frames: torch.Tensor,
                category_sentence: Optional[torch.Tensor] = None,
                category_words: Optional[torch.Tensor] = None,
                category_word_mask: Optional[torch.Tensor] = None
                ) -> torch.Tensor:
        """Logits of B clips.

        Args:
            frames (Tensor): ``[B, T, 3, H, W]`` float RGB frames in
                ``[0, 255]``, T the recognizer's ``num_frames``.
            category_sentence (Tensor, optional): ``[K, D]``, with
                ``open_vocabulary`` (:class:`TextEmbeddings` fields).
            category_words (Tensor, optional): ``[K, W, D]``.
            category_word_mask (Tensor, optional): ``[K, W]`` bool.

        Returns:
            Tensor: ``[B, K]`` logits.
        """
        if self.to_rgb:
            frames = frames.flip(2)
        inputs = (frames - self.mean) / self.std
        if self.open_vocabulary:
            categories = TextEmbeddings(category_sentence, category_words,
                                        category_word_mask)
        else:
            categories = TextEmbeddings(*(getattr(self, name)
                                          for name in CATEGORY_INPUTS))
        head = self.recognizer.cls_head
        logit_scale = 1.0 if head.average_clips == 'released' else \
            self.recognizer.backbone.logit_scale
        return head(self.recognizer.encode_video(inputs), categories,
                    logit_scale)
