"""Text4Vis head: a frozen classifier of text embeddings (Text4Vis Eq. 3)."""
import os.path as osp
from typing import Dict, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from ..common.temporal_transformer import TemporalTransformer
from ..utils.text_embeddings import TextEmbeddings
from .text_conditioned_head import ALL_CATEGORIES, TextConditionedHead

CLASSIFIERS = ('text', 'normal', 'orthogonal', 'file')


def random_normal_classifier(num_classes: int, dim: int) -> torch.Tensor:
    """Rows drawn from N(0, I_d) (Text4Vis Eq. 4).

    Returns:
        Tensor: ``[num_classes, dim]``.
    """
    return torch.randn(num_classes, dim)


def random_orthogonal_classifier(num_classes: int,
                                 dim: int) -> torch.Tensor:
    """The first ``num_classes`` rows of the orthogonal factor of a random
    ``dim x dim`` Gaussian matrix: orthonormal rows (Text4Vis Eq. 5).

    Returns:
        Tensor: ``[num_classes, dim]``.
    """
    if num_classes > dim:
        raise ValueError(f'An orthogonal classifier needs num_classes <= dim,'
                         f' got {num_classes} classes of dim {dim}')
    q, _ = torch.linalg.qr(torch.randn(dim, dim))
    return q[:num_classes].contiguous()


def load_classifier(path: str, num_classes: int, dim: int) -> torch.Tensor:
    """A precomputed ``[num_classes, dim]`` classifier saved with
    ``numpy.save`` (e.g. by ``tools/text4vis_lda.py``).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'Classifier file not found: {path}')
    weight = np.load(path, allow_pickle=False)
    if weight.shape != (num_classes, dim):
        raise ValueError(f'{path}: classifier of shape {weight.shape}, '
                         f'expected ({num_classes}, {dim}) '
                         '(num_classes, in_channels)')
    return torch.from_numpy(weight).float()


@MODELS.register_module()
class Text4VisHead(TextConditionedHead):
    """Classifies a video with a frozen classifier ``W~`` and cross-entropy
    (Text4Vis Eq. 3): ``logits = s * cos(video, W~_k)``, ``s`` CLIP's logit
    scale.

    ``W~`` is never a parameter. By default its rows are the text embeddings
    of the prompted class names from the frozen CLIP text encoder, given by
    the recognizer (which encodes them once); Table 6's alternatives are a
    buffer saved with the checkpoint: random normal, random orthogonal, or a
    matrix from a file (the LDA classifier of ``tools/text4vis_lda.py``, or
    embeddings of another text encoder). Rows are L2-normalised.

    The video embedding is the temporal average of the frame embeddings
    (TAP), optionally after a temporal transformer (T-Trans, Table 8);
    TokenT1D lives in the backbone (:class:`CrossFrameOpenCLIP` with
    :class:`TokenT1D`) and is used with TAP here.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Embedding dimension D.
        classifier (str): ``'text'``, ``'normal'``, ``'orthogonal'`` or
            ``'file'``. Defaults to ``'text'``.
        classifier_file (str, optional): ``.npy`` ``[K, D]`` matrix for
            ``classifier='file'``.
        temporal_layers (int): Temporal transformer layers; 0 is TAP, 6 the
            paper's T-Trans. Defaults to 6.
        temporal_heads (int, optional): Its heads. Defaults to
            ``in_channels // 64``.
        temporal_checkpointing (bool): Activation checkpointing of the
            temporal transformer (:class:`TemporalTransformer`). Defaults to
            False.
        loss_cls (dict): Defaults to ``dict(type='CrossEntropyLoss')``.
        average_clips (str): How test views are averaged: ``'prob'``,
            ``'score'`` or ``'released'`` (see :class:`TextConditionedHead`).
            Defaults to ``'prob'``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
        **kwargs: :class:`BaseHead` arguments, e.g. ``label_smooth_eps``.
    """

    #: A classifier: the loss scores all K classes.
    loss_categories = ALL_CATEGORIES

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 classifier: str = 'text',
                 classifier_file: Optional[str] = None,
                 temporal_layers: int = 6,
                 temporal_heads: Optional[int] = None,
                 temporal_checkpointing: bool = False,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 average_clips: str = 'prob',
                 init_cfg: Optional[Dict] = None,
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            init_cfg=init_cfg,
            **kwargs)
        if classifier not in CLASSIFIERS:
            raise ValueError(f'Text4VisHead: classifier must be one of '
                             f'{CLASSIFIERS}, got {classifier!r}')
        if (classifier == 'file') != (classifier_file is not None):
            raise ValueError('Text4VisHead: classifier_file is required by, '
                             'and only by, classifier="file"')
        self.classifier_type = classifier
        if classifier == 'normal':
            weight = random_normal_classifier(num_classes, in_channels)
        elif classifier == 'orthogonal':
            weight = random_orthogonal_classifier(num_classes, in_channels)
        elif classifier == 'file':
            weight = load_classifier(classifier_file, num_classes,
                                     in_channels)
        if classifier != 'text':
            # a buffer: saved in checkpoints, never seen by the optimizer
            self.register_buffer('fixed_classifier',
                                 F.normalize(weight, dim=-1))
        self.temporal = TemporalTransformer(
            in_channels, temporal_layers, temporal_heads,
            grad_checkpointing=temporal_checkpointing
        ) if temporal_layers > 0 else nn.Identity()

    def set_num_classes(self, num_classes: int) -> None:
        """Set K; a fixed (non-text) classifier has exactly its rows."""
        if self.classifier_type != 'text' and \
                num_classes != self.fixed_classifier.shape[0]:
            raise ValueError(
                f'Text4VisHead: the {self.classifier_type} classifier has '
                f'{self.fixed_classifier.shape[0]} classes, not {num_classes}')
        super().set_num_classes(num_classes)

    def frozen_texts(self, categories: TextEmbeddings) -> torch.Tensor:
        """The categories' sentence embeddings ``[K, D]``, checked to come
        from a frozen text encoder."""
        if categories.sentence.requires_grad:
            raise ValueError(f'{type(self).__name__}: the text classifier '
                             'must be frozen; set backbone.freeze_text=True')
        return categories.sentence

    def classifier(self, categories: TextEmbeddings) -> torch.Tensor:
        """The frozen classifier ``W~``.

        Args:
            categories (TextEmbeddings): The K categories scored.

        Returns:
            Tensor: ``[K, D]`` L2-normalised rows.
        """
        if self.classifier_type == 'text':
            return F.normalize(self.frozen_texts(categories), dim=-1)
        num_rows = self.fixed_classifier.shape[0]
        if len(categories.sentence) != num_rows:
            raise ValueError(f'Text4VisHead: the {self.classifier_type} '
                             f'classifier has {num_rows} classes but '
                             f'{len(categories.sentence)} are scored')
        return self.fixed_classifier

    def video_embedding(self, frames: torch.Tensor) -> torch.Tensor:
        """Temporal modelling and average pooling.

        Args:
            frames (Tensor): ``[N, T, D]`` frame embeddings.

        Returns:
            Tensor: ``[N, D]`` L2-normalised video embeddings.
        """
        return F.normalize(self.temporal(frames).mean(1), dim=-1)

    def similarity(self, frames: torch.Tensor,
                   categories: TextEmbeddings) -> torch.Tensor:
        """Cosine of videos and the classifier's rows.

        Args:
            frames (Tensor): ``[N, T, D]`` frame embeddings.
            categories (TextEmbeddings): All K categories.

        Returns:
            Tensor: ``[N, K]``.
        """
        return self.video_embedding(frames) @ self.classifier(categories).t()

    def loss(self,
             frames: torch.Tensor,
             categories: TextEmbeddings,
             data_samples: SampleList,
             logit_scale: torch.Tensor,
             category_labels: Optional[torch.Tensor] = None
             ) -> Dict[str, torch.Tensor]:
        """Cross-entropy over all K classes (mmaction's loss path: label
        smoothing and the soft labels of mixup/cutmix included).

        Args:
            frames: Frame features, as for :meth:`forward`.
            categories (TextEmbeddings): All K categories.
            data_samples (list[ActionDataSample]): The N samples.
            logit_scale (Tensor): Inverse temperature.
            category_labels (Tensor, optional): Unused: the labels (hard,
                soft or multi-hot) are the samples'.

        Returns:
            dict[str, Tensor]: ``loss_cls`` and top-k accuracies.
        """
        return self.loss_by_feat(
            self(frames, categories, logit_scale), data_samples)
