"""Attributes recognition branch (BIKE paper Sec. 2.2, Eq. 3-4 and 8)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import normal_init
from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from ...structures import batch_labels, pred_score, set_pred_score
from ..utils.text_embeddings import TextEmbeddings


def _projection(dim: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(dim, dim), nn.ReLU(inplace=True), nn.Linear(dim, dim))


@MODELS.register_module()
class AttributesHead(BaseHead):
    """Recognises videos from their attribute sentences.

    The attribute sentence ``a`` of a video is encoded by a CLIP text encoder,
    ``e_a = g(a | phi_a)`` (Eq. 3), and scored against the category
    embeddings of the frozen category encoder by cosine similarity, S_A.
    Training uses the symmetric InfoNCE of Eq. 8. At test time S_A is fused
    with the video branch: ``S = lambda * S_V + (1 - lambda) * S_A`` (Eq. 4).

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Embedding dimension D.
        text_encoder (dict, optional): An :class:`OpenCLIP` config of the
            attribute encoder, with its own weights (the supplement uses the
            ViT-B/32 text architecture); set ``freeze_text=False`` to
            fine-tune it. Only its text tower is kept. None encodes the
            sentences with the recognizer's frozen category encoder: the
            plug-and-play branch of Table 6e, first row. Defaults to None.
        projection (bool): Pass categories and attribute sentences through
            separate trainable 2-layer MLPs before the cosine, as the
            released code does. Defaults to False.
        fusion_weight (float): lambda of Eq. 4, the weight of the video
            branch (supplement: 0.6 for ViT-B, 0.8 for ViT-L).
            Defaults to 0.6.
        loss_cls (dict): The contrastive loss. Defaults to
            ``dict(type='DistInfoNCELoss')``.
        average_clips (str): How scores are turned into the S_A that is
            fused: ``'prob'`` (softmax, as the video branch) or ``'score'``.
            Defaults to ``'prob'``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 text_encoder: Optional[Dict] = None,
                 projection: bool = False,
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
        if not 0.0 <= fusion_weight <= 1.0:
            raise ValueError(f'AttributesHead: fusion_weight must be in '
                             f'[0, 1], got {fusion_weight}')
        self.fusion_weight = fusion_weight
        self.text_encoder = None
        if text_encoder is not None:
            self.text_encoder = MODELS.build(text_encoder)
            # sentences only need the text tower: dropping the image tower
            # keeps its weights out of memory and checkpoints
            self.text_encoder.clip.visual = nn.Identity()
            # scores use the recognizer's logit scale; an unused trainable
            # parameter would break DDP
            for name, param in self.text_encoder.clip.named_parameters():
                if name.startswith('logit_'):
                    param.requires_grad_(False)
        self.projection = projection
        if projection:
            self.category_projection = _projection(in_channels)
            self.attribute_projection = _projection(in_channels)

    def init_weights(self) -> None:
        """Initialise the projections as the released code does; the text
        encoder keeps its own (pretrained) weights."""
        if self.projection:
            for layer in (*self.category_projection,
                          *self.attribute_projection):
                if isinstance(layer, nn.Linear):
                    normal_init(layer, std=0.02, bias=0.)

    def encode(self, tokens: torch.Tensor,
               category_encoder: nn.Module) -> torch.Tensor:
        """Attribute embeddings e_a of tokenised attribute sentences (Eq. 3).

        Args:
            tokens (Tensor): ``[N, L]`` token ids.
            category_encoder (OpenCLIP): The recognizer's category encoder,
                used when this head has no text encoder of its own.

        Returns:
            Tensor: ``[N, D]`` sentence embeddings.
        """
        encoder = category_encoder if self.text_encoder is None else \
            self.text_encoder
        if tokens.shape[-1] != encoder.context_length:
            raise ValueError(
                f'AttributesHead: attribute tokens have length '
                f'{tokens.shape[-1]} but the attribute encoder '
                f'{encoder.arch!r} has a context of {encoder.context_length}; '
                'tokenise with the same arch (LoadAttributeSentence.arch)')
        return encoder.encode_text(tokens)[0]

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

    def forward(self, attributes: torch.Tensor, categories: TextEmbeddings,
                logit_scale: torch.Tensor) -> torch.Tensor:
        """Scaled scores ``[Na, Nc]`` of attribute embeddings ``[Na, D]``
        against categories."""
        return logit_scale * self.score(attributes, categories.sentence)

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

    def predict(self, attributes: torch.Tensor, categories: TextEmbeddings,
                data_samples: SampleList, logit_scale: torch.Tensor,
                fuse: bool = False) -> SampleList:
        """Fill the predictions from S_A, or from the fusion of Eq. 4.

        Args:
            attributes (Tensor): ``[B, D]`` attribute embeddings.
            categories (TextEmbeddings): All K categories.
            data_samples (list[ActionDataSample]): The B samples.
            logit_scale (Tensor): Inverse temperature.
            fuse (bool): The samples hold the video branch's S_V as their
                predicted scores. They then get the fused S as prediction
                and the branches' own scores as ``branch_scores`` ``video``
                and ``attributes`` (evaluated by :class:`BranchAccMetric`).
                Defaults to False.
        """
        scores = self.average_clip(self(attributes, categories, logit_scale))
        for sample, score in zip(data_samples, scores):
            if fuse:
                video = pred_score(sample)
                fused = self.fusion_weight * video + \
                    (1 - self.fusion_weight) * score
                set_pred_score(sample, fused, video=video, attributes=score)
            else:
                set_pred_score(sample, score)
        return data_samples
