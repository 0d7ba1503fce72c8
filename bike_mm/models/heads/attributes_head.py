"""Attributes recognition branch (BIKE paper Sec. 2.2, Eq. 3-4 and 8)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import normal_init

from ...structures import batch_labels, set_pred_score
from ..utils.text_embeddings import TextEmbeddings
from .text_conditioned_head import SENTENCES, TextConditionedHead

#: How the branches' scores are fused (:class:`AttributesHead`).
FUSIONS = ('similarity', 'released')


def _projection(dim: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(dim, dim), nn.ReLU(inplace=True), nn.Linear(dim, dim))


@MODELS.register_module()
class AttributesHead(TextConditionedHead):
    """Recognises videos from their attribute sentences.

    The attribute sentence ``a`` of a video is encoded by a CLIP text encoder,
    ``e_a = g(a | phi_a)`` (Eq. 3), and scored against category embeddings
    by cosine similarity, S_A. Training uses the symmetric InfoNCE of Eq. 8.
    At test time S_A is fused with the video branch's S_V (:meth:`fuse`).

    The category embeddings come from the recognizer's frozen category
    encoder (the video backbone's text tower), or, with ``category_encoder``,
    from a frozen text encoder of the branch's own: needed when the
    attribute encoder's CLIP differs from the video branch's (the paper's
    ViT-L/14 video branch with its ViT-B/32 attribute encoder: the two
    embedding spaces differ, even in width).

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Embedding dimension D of the attribute encoder.
        text_encoder (dict, optional): An :class:`OpenCLIPTextEncoder`
            config of the attribute sentence encoder, with its own weights
            (the supplement uses the ViT-B/32 text architecture); set
            ``freeze_text=False`` to fine-tune it. None encodes the sentences
            with the branch's frozen category encoder (``category_encoder``,
            else the recognizer's): the plug-and-play branch of Table 6e,
            first row. Defaults to None.
        category_encoder (dict, optional): An :class:`OpenCLIPTextEncoder`
            config that encodes the class names for this branch; it is kept
            frozen. None uses the recognizer's category embeddings.
            Defaults to None.
        projection (bool): Pass categories and attribute sentences through
            separate trainable 2-layer MLPs before the cosine, as the
            released code does. Defaults to False.
        fusion (str): ``'similarity'``: the paper's Eq. 4,
            ``S = lambda S_V + (1 - lambda) S_A`` on the similarities (S_V
            averaged over the views); ``'released'``: the released code's
            fusion of ``softmax(S_V)`` (averaged over the views) and
            ``softmax(S_A)``, unscaled similarities. Defaults to
            ``'similarity'``.
        fusion_weight (float): lambda, the weight of the video branch: the
            supplement's 0.6 for a ViT-B video branch, 0.8 for ViT-L; the
            released code's 0.7. Defaults to 0.6.
        loss_cls (dict): The contrastive loss. Defaults to
            ``dict(type='DistInfoNCELoss')``.
        average_clips (str): The prediction of the attributes branch alone:
            ``'prob'`` (softmax of the scaled scores) or ``'score'``.
            Defaults to ``'prob'``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    features = SENTENCES

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 text_encoder: Optional[Dict] = None,
                 category_encoder: Optional[Dict] = None,
                 projection: bool = False,
                 fusion: str = 'similarity',
                 fusion_weight: float = 0.6,
                 loss_cls: Dict = dict(type='DistInfoNCELoss'),
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
        if fusion not in FUSIONS:
            raise ValueError(f'AttributesHead: fusion must be one of '
                             f'{FUSIONS}, got {fusion!r}')
        if not 0.0 <= fusion_weight <= 1.0:
            raise ValueError(f'AttributesHead: fusion_weight must be in '
                             f'[0, 1], got {fusion_weight}')
        self.fusion = fusion
        self.fusion_weight = fusion_weight
        self.text_encoder = None if text_encoder is None else \
            MODELS.build(text_encoder)
        self.category_encoder = None
        if category_encoder is not None:
            self.category_encoder = MODELS.build(category_encoder)
            self.category_encoder.requires_grad_(False)
        for name, encoder in (('text_encoder', self.text_encoder),
                              ('category_encoder', self.category_encoder)):
            if encoder is not None and encoder.embed_dim != in_channels:
                raise ValueError(
                    f'AttributesHead: {name} {encoder.arch!r} embeds in '
                    f'{encoder.embed_dim} dimensions, in_channels is '
                    f'{in_channels}')
        self.projection = projection
        if projection:
            self.category_projection = _projection(in_channels)
            self.attribute_projection = _projection(in_channels)

    def init_weights(self) -> None:
        """Initialise the projections as the released code does; the text
        encoders keep their own (pretrained) weights."""
        if self.projection:
            for layer in (*self.category_projection,
                          *self.attribute_projection):
                if isinstance(layer, nn.Linear):
                    normal_init(layer, std=0.02, bias=0.)

    def train(self, mode: bool = True) -> 'AttributesHead':
        """Keep the category encoder in eval mode."""
        super().train(mode)
        if self.category_encoder is not None:
            self.category_encoder.eval()
        return self

    def encode(self, tokens: torch.Tensor,
               category_encoder: nn.Module) -> torch.Tensor:
        """Attribute embeddings e_a of tokenised attribute sentences (Eq. 3).

        Args:
            tokens (Tensor): ``[N, L]`` token ids.
            category_encoder (OpenCLIPTextEncoder): The recognizer's category
                encoder, used when this head has neither a text encoder nor
                a category encoder of its own (plug-and-play: sentences and
                categories in one embedding space).

        Returns:
            Tensor: ``[N, D]`` sentence embeddings.
        """
        encoder = self.text_encoder or self.category_encoder or \
            category_encoder
        if tokens.shape[-1] != encoder.text.context_length:
            raise ValueError(
                f'AttributesHead: attribute tokens have length '
                f'{tokens.shape[-1]} but the attribute encoder '
                f'{encoder.arch!r} has a context of '
                f'{encoder.text.context_length}; '
                'tokenise with the same arch (LoadAttributeSentence.arch)')
        return encoder.text.encode(tokens)[0]

    def score(self, attributes: torch.Tensor,
              categories: torch.Tensor) -> torch.Tensor:
        """Cosine similarity S_A of every (attribute sentence, category) pair.

        Args:
            attributes (Tensor): ``[Na, D]`` attribute embeddings.
            categories (Tensor): ``[Nc, D]`` category sentence embeddings.

        Returns:
            Tensor: ``[Na, Nc]``.
        """
        if self.projection:
            attributes = self.attribute_projection(attributes)
            categories = self.category_projection(categories)
        return F.normalize(attributes, dim=-1) @ F.normalize(
            categories, dim=-1).t()

    def similarity(self, attributes: torch.Tensor,
                   categories: TextEmbeddings) -> torch.Tensor:
        """S_A ``[Na, Nc]`` of attribute embeddings ``[Na, D]`` and
        categories."""
        return self.score(attributes, categories.sentence)

    def loss(self,
             attributes: torch.Tensor,
             categories: TextEmbeddings,
             data_samples: SampleList,
             logit_scale: torch.Tensor,
             category_labels: Optional[torch.Tensor] = None
             ) -> Dict[str, torch.Tensor]:
        """L_A of Eq. 8.

        Args:
            attributes (Tensor): ``[N, D]`` attribute embeddings.
            categories (TextEmbeddings): The category of each of the N
                samples (``C[y_i]``).
            data_samples (list[ActionDataSample]): The N samples.
            logit_scale (Tensor): Inverse temperature.
            category_labels (Tensor, optional): ``[N, K]`` one-hot classes of
                ``categories`` for multi-label samples (as
                :meth:`VCSHead.loss`). Defaults to the samples' labels.

        Returns:
            dict[str, Tensor]: ``loss_attributes``.
        """
        loss = self.loss_cls(attributes, categories.sentence,
                             batch_labels(data_samples).to(attributes.device),
                             self.score, logit_scale, category_labels)
        return dict(loss_attributes=loss)

    def fuse(self, video: torch.Tensor, attributes: torch.Tensor
             ) -> Dict[str, torch.Tensor]:
        """Fuse the two branches' similarities (``fusion``).

        Args:
            video (Tensor): ``[B, V, K]`` S_V of the V views of each sample.
            attributes (Tensor): ``[B, K]`` S_A.

        Returns:
            dict[str, Tensor]: ``[B, K]`` scores: ``fused``, and the scores
            of each branch that went into it, ``video`` and ``attributes``.
        """
        if self.fusion == 'released':
            video = video.softmax(-1).mean(1)
            attributes = attributes.softmax(-1)
        else:
            video = video.mean(1)
        fused = self.fusion_weight * video + \
            (1 - self.fusion_weight) * attributes
        return dict(fused=fused, video=video, attributes=attributes)

    def predict(self,
                attributes: torch.Tensor,
                categories: TextEmbeddings,
                data_samples: SampleList,
                logit_scale: torch.Tensor,
                video_similarity: Optional[torch.Tensor] = None
                ) -> SampleList:
        """Fill the predictions from S_A, or from the fusion with the video
        branch.

        Args:
            attributes (Tensor): ``[B, D]`` attribute embeddings.
            categories (TextEmbeddings): All K categories.
            data_samples (list[ActionDataSample]): The B samples.
            logit_scale (Tensor): Inverse temperature.
            video_similarity (Tensor, optional): ``[B * V, K]`` S_V of the V
                views of each sample. Given, the samples get the fused scores
                as prediction and each branch's own as ``branch_scores``
                ``video`` and ``attributes`` (evaluated by
                :class:`BranchAccMetric`). Defaults to None.
        """
        if video_similarity is None:
            return super().predict(attributes, categories, data_samples,
                                   logit_scale)
        scores = self.fuse(
            video_similarity.view(len(data_samples), -1,
                                  video_similarity.shape[-1]),
            self.similarity(attributes, categories))
        for i, sample in enumerate(data_samples):
            set_pred_score(sample, scores['fused'][i],
                           video=scores['video'][i],
                           attributes=scores['attributes'][i])
        return data_samples
