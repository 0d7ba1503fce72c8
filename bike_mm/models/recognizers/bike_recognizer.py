"""BIKE recognizer: CLIP video and category encoders plus a scoring head."""
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...datasets.label_files import load_class_names
from ..heads.vcs_head import labels_of
from ..utils.text_embeddings import TextEmbeddings


@MODELS.register_module()
class BIKERecognizer(BaseRecognizer):
    """Recognises videos by comparing them with encoded class names.

    Data flow: ``inputs [B, V*T, C, H, W]`` (V views of T frames, as
    mmaction's ``FormatShape('NCHW')`` stacks them) -> the backbone's image
    encoder -> frame embeddings ``[B*V, T, D]`` -> the head scores them
    against category embeddings (the backbone's text encoder applied to
    ``prompt_template.format(class_name)``).

    With a frozen text encoder (the paper's default) the K category
    embeddings are computed once and cached; the cache is dropped when
    weights are loaded or the classes change.

    Args:
        backbone (dict): An :class:`OpenCLIP` config.
        cls_head (dict): A head config, e.g. :class:`VCSHead`.
        class_names (str | list[str]): Label file (one name per line) or the
            names. Their number must equal ``cls_head.num_classes``.
        num_frames (int): Frames per view T. Defaults to 8.
        prompt_template (str): Category prompt. Defaults to
            ``'This is a video about {}'`` (paper Sec. 3.3).
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        train_cfg (dict, optional): Unused, kept for mmaction compatibility.
        test_cfg (dict, optional): Unused, kept for mmaction compatibility.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 class_names: Union[str, Sequence[str]],
                 num_frames: int = 8,
                 prompt_template: str = 'This is a video about {}',
                 data_preprocessor: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None) -> None:
        super().__init__(
            backbone,
            cls_head=cls_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        self.num_frames = num_frames
        self.prompt_template = prompt_template
        self._category_cache: Optional[TextEmbeddings] = None
        self.register_load_state_dict_pre_hook(
            lambda *args, **kwargs: self._drop_category_cache())
        self.set_classes(class_names, self.cls_head.num_classes)

    def set_classes(self,
                    class_names: Union[str, Sequence[str]],
                    num_classes: Optional[int] = None) -> None:
        """Set the categories scored at test time (open vocabulary).

        Args:
            class_names (str | list[str]): Label file or names.
            num_classes (int, optional): Expected number of classes; checked
                against the label file. Defaults to None.
        """
        if isinstance(class_names, str):
            names = load_class_names(class_names, num_classes)
        else:
            names = list(class_names)
            if not names:
                raise ValueError('BIKERecognizer: empty class name list')
            if num_classes is not None and len(names) != num_classes:
                raise ValueError(f'BIKERecognizer: {len(names)} class names '
                                 f'but num_classes is {num_classes}')
        self.class_names: List[str] = names
        self.cls_head.num_classes = len(names)
        # plain attributes, not buffers: identical on every rank, so they need
        # no syncing, and they stay out of checkpoints
        self.class_tokens, self.class_word_mask = self.backbone.tokenize(
            names, self.prompt_template)
        self._drop_category_cache()

    def _drop_category_cache(self) -> None:
        self._category_cache = None

    @property
    def _text_trainable(self) -> bool:
        return not self.backbone.freeze_text

    def encode_categories(self,
                          index: Optional[torch.Tensor] = None
                          ) -> TextEmbeddings:
        """Category embeddings in the head's form.

        Args:
            index (Tensor, optional): Class indices to encode; all K classes
                when None.

        Returns:
            TextEmbeddings: One row per requested class.
        """
        device = self.backbone.logit_scale.device
        tokens = self.class_tokens.to(device)
        mask = self.class_word_mask.to(device)
        if index is not None:
            tokens, mask = tokens[index], mask[index]
        return self.cls_head.category_embeddings(
            *self.backbone.encode_text(tokens), mask)

    def all_categories(self) -> TextEmbeddings:
        """Embeddings of all K categories, cached while the text encoder
        cannot change (frozen, or not training)."""
        if self._text_trainable and self.training:
            return self.encode_categories()
        if self._category_cache is None:
            with torch.no_grad():
                self._category_cache = self.encode_categories()
        return self._category_cache.to(self.backbone.logit_scale.device)

    def batch_categories(self, labels: torch.Tensor) -> TextEmbeddings:
        """The category ``C[y_i]`` of every sample of a training batch.

        Args:
            labels (Tensor): ``[N]`` class indices.
        """
        if not self._text_trainable:
            return self.all_categories().select(labels)
        # a trainable encoder encodes each class of the batch once
        classes, inverse = labels.unique(return_inverse=True)
        return self.encode_categories(classes).select(inverse)

    def train(self, mode: bool = True) -> 'BIKERecognizer':
        super().train(mode)
        if mode and self._text_trainable:
            self._drop_category_cache()
        return self

    def extract_feat(self,
                     inputs: torch.Tensor,
                     stage: str = 'backbone',
                     **kwargs) -> Tuple[torch.Tensor, dict]:
        """Encode every frame of every view.

        Args:
            inputs (Tensor): ``[B, V*T, C, H, W]``.
            stage (str): ``'backbone'`` returns frame embeddings, ``'head'``
                the scaled scores against all K classes.

        Returns:
            tuple[Tensor, dict]: ``[B*V, T, D]`` frame embeddings (or
            ``[B*V, K]`` scores) and an empty dict of extra arguments.
        """
        b, n = inputs.shape[:2]
        if n % self.num_frames:
            raise ValueError(
                f'BIKERecognizer: {n} frames per sample is not a multiple of '
                f'num_frames={self.num_frames}')
        frames = self.backbone.encode_frames(
            inputs.reshape(b * n // self.num_frames, self.num_frames,
                           *inputs.shape[2:]))
        if stage == 'head':
            frames = self.cls_head(frames, self.all_categories(),
                                   self.backbone.logit_scale)
        return frames, dict()

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> dict:
        """Contrastive loss of the batch.

        Args:
            inputs (Tensor): ``[B, T, C, H, W]``.
            data_samples (list[ActionDataSample]): With ``gt_labels``.
        """
        frames, _ = self.extract_feat(inputs)
        labels = labels_of(data_samples).to(frames.device)
        return self.cls_head.loss(frames, self.batch_categories(labels),
                                  data_samples, self.backbone.logit_scale)

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Scores of all K classes, views averaged, in ``pred_scores``.

        Args:
            inputs (Tensor): ``[B, V*T, C, H, W]``.
            data_samples (list[ActionDataSample]): The B samples.
        """
        frames, _ = self.extract_feat(inputs)
        return self.cls_head.predict(frames, self.all_categories(),
                                     data_samples, self.backbone.logit_scale)
