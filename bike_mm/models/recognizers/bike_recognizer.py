"""BIKE recognizer: CLIP video and category encoders plus a scoring head."""
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...datasets.label_files import load_class_names
from ...structures import batch_labels
from ..backbones.cross_frame_open_clip import CrossFrameOpenCLIP
from ..heads.text_conditioned_head import (
    ALL_CATEGORIES,
    FRAMES,
    FRAMES_AND_PATCHES,
    SENTENCES,
    TextConditionedHead,
)
from ..utils.category_bank import CategoryBank, CategorySource
from ..utils.multi_label import sample_positive_classes
from ..utils.text_embeddings import TextEmbeddings

#: The model's branches.
VIDEO, ATTRIBUTES = 'video', 'attributes'


@MODELS.register_module()
class BIKERecognizer(BaseRecognizer):
    """Recognises videos by comparing them with encoded class names.

    Data flow: ``inputs [B, V*T, C, H, W]`` (V views of T frames, as
    mmaction's ``FormatShape('NCHW')`` stacks them) -> the backbone's image
    encoder -> frame embeddings ``[B*V, T, D]`` -> the head scores them
    against category embeddings (the backbone's text encoder applied to
    ``prompt_template.format(class_name)``). Heads are
    :class:`TextConditionedHead` s; the recognizer calls them through that
    contract.

    The class names, their prompt tokens and the category embeddings are
    kept by ``self.categories``, a :class:`CategoryBank`: with a frozen text
    encoder (the paper's default) the K category embeddings are computed
    once and cached; the cache is dropped when weights are loaded or the
    classes change.

    With an ``attributes_head`` the recognizer also has BIKE's attributes
    branch (paper Sec. 2.2): each sample's attribute sentence (tokens from
    :class:`LoadAttributeSentence` in the data sample) is scored against the
    same category embeddings (or those of the attributes head's own category
    encoder). Training sums the losses of the trained branches (Eq. 9);
    testing fuses the two branches' scores (:meth:`AttributesHead.fuse`). The
    paper's two-stage schedule is stage 1 without ``attributes_head``, then
    stage 2 with ``load_from`` the stage-1 checkpoint and
    ``frozen_branches=('video', )``.

    Args:
        backbone (dict): An :class:`OpenCLIP` config (or a subclass, e.g.
            :class:`CrossFrameOpenCLIP`).
        cls_head (dict): A :class:`TextConditionedHead` config of frames
            (or frames and patch tokens), e.g. :class:`VCSHead`
            (contrastive: its loss gets the category of each sample) or a
            classifier such as :class:`Text4VisHead` or :class:`XCLIPHead`
            (its loss gets all K categories).
        class_names (str | list[str]): Label file (one name per line) or the
            names. Their number must equal ``cls_head.num_classes``.
        num_frames (int): Frames per view T. Defaults to 8.
        prompt_template (str | list[str]): Category prompt, or several
            prompts whose embeddings are averaged (prompt ensembling, e.g.
            X-CLIP's 16 templates). Defaults to
            ``'This is a video about {}'`` (paper Sec. 3.3).
        attributes_head (dict, optional): An :class:`AttributesHead` config.
            Defaults to None (video branch only).
        branches (Sequence[str], optional): The branches that run, a subset
            of ``('video', 'attributes')``. Defaults to every branch the
            model has.
        frozen_branches (Sequence[str]): Branches that are not trained: their
            parameters get no gradients, their modules stay in eval mode and
            their loss is not computed. The video branch is the backbone
            (image and category encoders) and ``cls_head``; the attributes
            branch is ``attributes_head``. Defaults to ``()``.
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
                 prompt_template: Union[str, Sequence[str]] = (
                     'This is a video about {}'),
                 attributes_head: OptConfigType = None,
                 branches: Optional[Sequence[str]] = None,
                 frozen_branches: Sequence[str] = (),
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
        self.attributes_head = None if attributes_head is None else \
            MODELS.build(attributes_head)
        self._check_heads()
        self._set_branches(branches, frozen_branches)
        #: the class names, their tokens and the cache of their embeddings
        self.categories = CategoryBank(self._category_sources(),
                                       prompt_template)
        self.set_classes(class_names, self.cls_head.num_classes)

    def _check_heads(self) -> None:
        """The heads consume what this recognizer gives them."""
        heads = [('cls_head', self.cls_head, (FRAMES, FRAMES_AND_PATCHES))]
        if self.attributes_head is not None:
            heads.append(('attributes_head', self.attributes_head,
                          (SENTENCES, )))
        for name, head, kinds in heads:
            if not isinstance(head, TextConditionedHead) or \
                    head.features not in kinds:
                raise TypeError(
                    f'BIKERecognizer: {name} must be a TextConditionedHead '
                    f'of {kinds}, got {type(head).__name__}')
        if self.cls_head.features == FRAMES_AND_PATCHES and \
                not isinstance(self.backbone, CrossFrameOpenCLIP):
            raise TypeError(
                f'BIKERecognizer: {type(self.cls_head).__name__} needs patch '
                f'tokens, which {type(self.backbone).__name__} does not give; '
                'use a CrossFrameOpenCLIP backbone')
        if self.attributes_head is not None and \
                self.attributes_head.category_encoder is None and \
                self.attributes_head.in_channels != self.backbone.embed_dim:
            raise ValueError(
                'BIKERecognizer: the attributes head embeds in '
                f'{self.attributes_head.in_channels} dimensions, the '
                f'category encoder {self.backbone.arch!r} in '
                f'{self.backbone.embed_dim}; give the attributes head a '
                'category_encoder of its CLIP')

    def _branch_modules(self, branch: str) -> List[torch.nn.Module]:
        if branch == VIDEO:
            return [self.backbone, self.cls_head]
        return [self.attributes_head]

    def _set_branches(self, branches: Optional[Sequence[str]],
                      frozen_branches: Sequence[str]) -> None:
        available = (VIDEO, ) if self.attributes_head is None else \
            (VIDEO, ATTRIBUTES)
        self.branches = tuple(available if branches is None else branches)
        self.frozen_branches = tuple(frozen_branches)
        for name, names in (('branches', self.branches),
                            ('frozen_branches', self.frozen_branches)):
            unknown = set(names) - set(available)
            if unknown:
                raise ValueError(
                    f'BIKERecognizer: {name}={names} names {sorted(unknown)}'
                    f', but this model has only the branches {available} '
                    '(the attributes branch needs attributes_head)')
        if not self.branches:
            raise ValueError('BIKERecognizer: branches is empty')
        for branch in self.frozen_branches:
            for module in self._branch_modules(branch):
                module.requires_grad_(False)

    def _category_sources(self) -> Dict[str, CategorySource]:
        """The branches whose categories have an encoder of their own: the
        video branch (the backbone's text tower, in ``cls_head``'s form)
        and an attributes head with a ``category_encoder``."""
        # only the video branch's category encoder may be trained
        sources = {
            VIDEO:
            CategorySource(self.backbone.text, self.cls_head,
                           not self.backbone.freeze_text)
        }
        if self.attributes_head is not None and \
                self.attributes_head.category_encoder is not None:
            sources[ATTRIBUTES] = CategorySource(
                self.attributes_head.category_encoder.text,
                self.attributes_head, False)
        return sources

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
        for head in self._heads():
            head.set_num_classes(len(names))
        self.categories.set_classes(names)

    @property
    def class_names(self) -> List[str]:
        """list[str]: The K class names."""
        return self.categories.class_names

    @property
    def prompt_templates(self) -> List[str]:
        """list[str]: The P category prompts."""
        return self.categories.prompt_templates

    @property
    def category_cache_dir(self) -> Optional[str]:
        """str: Directory of category cache files, None for no file (set by
        CategoryCacheHook to the work dir's ``category_cache``)."""
        return self.categories.cache_dir

    @category_cache_dir.setter
    def category_cache_dir(self, directory: Optional[str]) -> None:
        self.categories.cache_dir = directory

    @property
    def class_tokens(self) -> torch.Tensor:
        """Tensor: ``[P, K, L]`` token ids of the video branch's categories
        under the P prompt templates."""
        return self.categories.tokens(VIDEO)[0]

    @property
    def class_word_mask(self) -> torch.Tensor:
        """Tensor: ``[P, K, L]`` bool, the class names' own tokens."""
        return self.categories.tokens(VIDEO)[1]

    def _heads(self) -> List[TextConditionedHead]:
        return [self.cls_head] + ([] if self.attributes_head is None else
                                  [self.attributes_head])

    def _categories_of(self, branch: str) -> str:
        """The category source whose embeddings ``branch`` scores."""
        return branch if branch in self.categories.sources else VIDEO

    def _load_from_state_dict(self, *args, **kwargs) -> None:
        # new weights: the cached category embeddings are stale
        self.categories.drop_cache()
        super()._load_from_state_dict(*args, **kwargs)

    def encode_categories(self,
                          index: Optional[torch.Tensor] = None,
                          template: Optional[int] = None,
                          branch: str = VIDEO) -> TextEmbeddings:
        """Category embeddings in a head's form (see
        :meth:`CategoryBank.encode`).

        Args:
            index (Tensor, optional): Class indices to encode; all K classes
                when None.
            template (int, optional): Index of the prompt template to use;
                None averages all templates (prompt ensembling).
            branch (str): Whose categories: ``'video'`` (the backbone's text
                encoder, in ``cls_head``'s form) or ``'attributes'`` (the
                attributes head's category encoder, when it has one).
                Defaults to ``'video'``.

        Returns:
            TextEmbeddings: One row per requested class.
        """
        return self.categories.encode(self._categories_of(branch), index,
                                      template)

    def all_categories(self, branch: str = VIDEO) -> TextEmbeddings:
        """Embeddings of all K categories of a branch, cached while their
        encoder cannot change (frozen, or not training)."""
        return self.categories.all(self._categories_of(branch),
                                   self.training,
                                   self.backbone.logit_scale.device)

    def cached_categories(self,
                          template: Optional[int] = None,
                          branch: str = VIDEO) -> TextEmbeddings:
        """Embeddings of all K categories of a branch under prompt
        ``template`` (None: all averaged), encoded once without gradients
        and kept (see :meth:`CategoryBank.cached`)."""
        return self.categories.cached(self._categories_of(branch), template,
                                      self.backbone.logit_scale.device)

    def batch_categories(self,
                         labels: torch.Tensor,
                         branch: str = VIDEO) -> TextEmbeddings:
        """The category ``C[y_i]`` of every sample of a training batch.

        Args:
            labels (Tensor): ``[N]`` class indices.
            branch (str): Whose categories. Defaults to ``'video'``.
        """
        return self.categories.batch(self._categories_of(branch), labels,
                                     self.training,
                                     self.backbone.logit_scale.device)

    def train(self, mode: bool = True) -> 'BIKERecognizer':
        super().train(mode)
        if mode and not self.backbone.freeze_text:
            self.categories.drop_cache()
        for branch in self.frozen_branches:
            for module in self._branch_modules(branch):
                module.eval()
        return self

    def encode_attributes(self, data_samples: SampleList) -> torch.Tensor:
        """Attribute embeddings ``[B, D]`` of the samples' attribute
        sentences (``attribute_tokens``, added by
        :class:`LoadAttributeSentence`)."""
        if 'attribute_tokens' not in data_samples[0]:
            raise KeyError(
                'BIKERecognizer: the attributes branch needs '
                '"attribute_tokens" in the data samples: add '
                'LoadAttributeSentence to the pipeline and "attribute_tokens" '
                'to the meta_keys of PackActionInputs')
        tokens = torch.stack([s.attribute_tokens for s in data_samples])
        return self.attributes_head.encode(
            tokens.to(self.backbone.logit_scale.device), self.backbone)

    def encode_video(self, inputs: torch.Tensor) -> Any:
        """Encode every frame of every view, in the form ``cls_head``
        consumes.

        Args:
            inputs (Tensor): ``[B, V*T, C, H, W]``.

        Returns:
            Tensor | tuple[Tensor, Tensor]: ``[B*V, T, D]`` frame
            embeddings, with the patch tokens ``[B*V, T, P, W]`` for a head
            of frames and patches.
        """
        b, n = inputs.shape[:2]
        if n % self.num_frames:
            raise ValueError(
                f'BIKERecognizer: {n} frames per sample is not a multiple of '
                f'num_frames={self.num_frames}')
        clips = inputs.reshape(b * n // self.num_frames, self.num_frames,
                               *inputs.shape[2:])
        if self.cls_head.features == FRAMES_AND_PATCHES:
            return self.backbone.encode_frames_and_patches(clips)
        return self.backbone.encode_frames(clips)

    def extract_feat(self,
                     inputs: torch.Tensor,
                     stage: str = 'backbone',
                     **kwargs) -> Tuple[Any, dict]:
        """mmaction's feature interface.

        Args:
            inputs (Tensor): ``[B, V*T, C, H, W]``.
            stage (str): ``'backbone'`` returns :meth:`encode_video`,
                ``'head'`` the scaled scores ``[B*V, K]`` against all K
                classes.

        Returns:
            tuple: The features and an empty dict of extra arguments.
        """
        feats = self.encode_video(inputs)
        if stage == 'head':
            feats = self.cls_head(feats, self.all_categories(),
                                  self.backbone.logit_scale)
        return feats, dict()

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> dict:
        """Losses of the trained branches.

        Args:
            inputs (Tensor): ``[B, T, C, H, W]``.
            data_samples (list[ActionDataSample]): With ground truth:
                class indices, or multi-hot vectors (multi-label data).
        """
        trained = [b for b in self.branches if b not in self.frozen_branches]
        if not trained:
            raise RuntimeError('BIKERecognizer: every branch is frozen '
                               f'(frozen_branches={self.frozen_branches}); '
                               'there is nothing to train')
        logit_scale = self.backbone.logit_scale
        labels = batch_labels(data_samples).to(logit_scale.device)
        if labels.dim() == 1:
            classes, multi_label = labels, dict()
        else:
            # multi-label: each sample brings one of its classes as its
            # category ([N, K] one-hot, the same shape on every rank for the
            # all-gather)
            classes = sample_positive_classes(labels)
            multi_label = dict(
                category_labels=F.one_hot(classes, labels.shape[1]))

        def loss_of(head: TextConditionedHead, feats: Any,
                    branch: str) -> dict:
            if head.loss_categories == ALL_CATEGORIES:
                # a classifier reads hard, soft (mixup) or multi-hot labels
                return head.loss(feats, self.all_categories(branch),
                                 data_samples, logit_scale)
            return head.loss(feats, self.batch_categories(classes, branch),
                             data_samples, logit_scale, **multi_label)

        losses = dict()
        if VIDEO in trained:
            losses.update(
                loss_of(self.cls_head, self.encode_video(inputs), VIDEO))
        if ATTRIBUTES in trained:  # L = L_V + L_A (Eq. 9)
            losses.update(
                loss_of(self.attributes_head,
                        self.encode_attributes(data_samples), ATTRIBUTES))
        return losses

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Scores of all K classes, views averaged, as predicted scores; with
        both branches the fused scores, plus each branch's own (see
        :meth:`AttributesHead.predict`).

        Args:
            inputs (Tensor): ``[B, V*T, C, H, W]``.
            data_samples (list[ActionDataSample]): The B samples.
        """
        logit_scale = self.backbone.logit_scale
        if ATTRIBUTES not in self.branches:
            return self.cls_head.predict(
                self.encode_video(inputs), self.all_categories(),
                data_samples, logit_scale)
        video_similarity = None
        if VIDEO in self.branches:
            video_similarity = self.cls_head.similarity(
                self.encode_video(inputs), self.all_categories())
        return self.attributes_head.predict(
            self.encode_attributes(data_samples),
            self.all_categories(ATTRIBUTES), data_samples, logit_scale,
            video_similarity=video_similarity)
