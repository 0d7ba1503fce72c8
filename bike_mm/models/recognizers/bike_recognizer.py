"""BIKE recognizer: CLIP video and category encoders plus a scoring head."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...datasets.label_files import load_class_names
from ...structures import batch_labels
from ..heads.vcs_head import sample_positive_classes
from ..utils.category_cache import load_or_encode
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

    With an ``attributes_head`` the recognizer also has BIKE's attributes
    branch (paper Sec. 2.2): each sample's attribute sentence (tokens from
    :class:`LoadAttributeSentence` in the data sample) is scored against the
    same category embeddings. Training sums the losses of the trained
    branches (Eq. 9); testing fuses the two branches' scores (Eq. 4). The
    paper's two-stage schedule is stage 1 without ``attributes_head``, then
    stage 2 with ``load_from`` the stage-1 checkpoint and
    ``frozen_branches=('video', )``.

    Args:
        backbone (dict): An :class:`OpenCLIP` config (or a subclass, e.g.
            :class:`CrossFrameOpenCLIP`).
        cls_head (dict): A head config, e.g. :class:`VCSHead` (contrastive:
            its loss gets the category of each sample) or a classifier head
            such as :class:`Text4VisHead` or :class:`XCLIPHead`, which
            declares ``needs_all_categories`` and gets all K categories.
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
        self.prompt_templates = [prompt_template] if isinstance(
            prompt_template, str) else list(prompt_template)
        if not self.prompt_templates:
            raise ValueError('BIKERecognizer: prompt_template is empty')
        #: directory of category cache files, None for no file (set by
        #: CategoryCacheHook to the work dir's ``category_cache``)
        self.category_cache_dir: Optional[str] = None
        self._drop_category_cache()
        self.register_load_state_dict_pre_hook(
            lambda *args, **kwargs: self._drop_category_cache())
        self.attributes_head = None if attributes_head is None else \
            MODELS.build(attributes_head)
        self._set_branches(branches, frozen_branches)
        self.set_classes(class_names, self.cls_head.num_classes)

    def _branch_modules(self, branch: str) -> List[torch.nn.Module]:
        if branch == 'video':
            return [self.backbone, self.cls_head]
        return [self.attributes_head]

    def _set_branches(self, branches: Optional[Sequence[str]],
                      frozen_branches: Sequence[str]) -> None:
        available = ('video', ) if self.attributes_head is None else \
            ('video', 'attributes')
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
        if self.attributes_head is not None:
            self.attributes_head.num_classes = len(names)
        # plain attributes, not buffers: identical on every rank, so they need
        # no syncing, and they stay out of checkpoints. [P, K, L] for P
        # prompt templates.
        tokenized = [
            self.backbone.tokenize(names, template)
            for template in self.prompt_templates
        ]
        self.class_tokens = torch.stack([tokens for tokens, _ in tokenized])
        self.class_word_mask = torch.stack([mask for _, mask in tokenized])
        self._drop_category_cache()

    def _drop_category_cache(self) -> None:
        self._category_cache: Dict[Optional[int], TextEmbeddings] = {}

    @property
    def _text_trainable(self) -> bool:
        return not self.backbone.freeze_text

    def encode_categories(self,
                          index: Optional[torch.Tensor] = None,
                          template: Optional[int] = None) -> TextEmbeddings:
        """Category embeddings in the head's form.

        Args:
            index (Tensor, optional): Class indices to encode; all K classes
                when None.
            template (int, optional): Index of the prompt template to use;
                None averages all templates (prompt ensembling).

        Returns:
            TextEmbeddings: One row per requested class.
        """
        # the frozen text tower may be kept off the training device (see
        # CategoryCacheHook); the embeddings are used where it is
        device = self.backbone.clip.token_embedding.weight.device
        tokens = self.class_tokens.to(device)
        mask = self.class_word_mask.to(device)
        if index is not None:
            tokens, mask = tokens[:, index], mask[:, index]
        if template is not None:
            tokens, mask = tokens[template:template + 1], \
                mask[template:template + 1]
        return TextEmbeddings.average([
            self.cls_head.category_embeddings(
                *self.backbone.encode_text(template_tokens), template_mask)
            for template_tokens, template_mask in zip(tokens, mask)
        ])

    def _iteration_template(self) -> Optional[int]:
        """With several prompt templates, training uses a random one per
        iteration and testing averages them all (X-CLIP's prompt-ensemble
        protocol)."""
        if self.training and len(self.prompt_templates) > 1:
            return int(torch.randint(len(self.prompt_templates), ()))
        return None

    def all_categories(self) -> TextEmbeddings:
        """Embeddings of all K categories, cached while the text encoder
        cannot change (frozen, or not training)."""
        template = self._iteration_template()
        if self._text_trainable and self.training:
            return self.encode_categories(template=template)
        return self.cached_categories(template)

    def cached_categories(self,
                          template: Optional[int] = None) -> TextEmbeddings:
        """Embeddings of all K categories under prompt ``template`` (None:
        all averaged), encoded once without gradients and kept; read from
        and written to a file of ``category_cache_dir`` when one is set
        (see :func:`load_or_encode`)."""
        if template not in self._category_cache:
            templates = slice(None) if template is None else \
                slice(template, template + 1)
            self._category_cache[template] = load_or_encode(
                lambda: self.encode_categories(template=template),
                self.backbone.clip, self.class_tokens[templates],
                self.class_word_mask[templates], self.cls_head,
                self.category_cache_dir)
        cached = self._category_cache[template].to(
            self.backbone.logit_scale.device)
        self._category_cache[template] = cached
        return cached

    def batch_categories(self, labels: torch.Tensor) -> TextEmbeddings:
        """The category ``C[y_i]`` of every sample of a training batch.

        Args:
            labels (Tensor): ``[N]`` class indices.
        """
        if not self._text_trainable:
            return self.all_categories().select(labels)
        # a trainable encoder encodes each class of the batch once
        classes, inverse = labels.unique(return_inverse=True)
        return self.encode_categories(
            classes, template=self._iteration_template()).select(inverse)

    def train(self, mode: bool = True) -> 'BIKERecognizer':
        super().train(mode)
        if mode and self._text_trainable:
            self._drop_category_cache()
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
        if getattr(self.cls_head, 'needs_all_categories', False):
            # a classifier head (Text4Vis, X-CLIP) scores all K classes and
            # reads hard, soft (mixup) or multi-hot labels itself
            categories = self.all_categories()
            multi_label = dict()
        elif labels.dim() == 1:
            categories = self.batch_categories(labels)
            multi_label = dict()
        else:
            # multi-label: each sample brings one of its classes as its
            # category ([N, K] one-hot, the same shape on every rank for the
            # all-gather)
            classes = sample_positive_classes(labels)
            categories = self.batch_categories(classes)
            multi_label = dict(
                category_labels=F.one_hot(classes, labels.shape[1]))
        losses = dict()
        if 'video' in trained:
            frames, _ = self.extract_feat(inputs)
            losses.update(
                self.cls_head.loss(frames, categories, data_samples,
                                   logit_scale, **multi_label))
        if 'attributes' in trained:  # L = L_V + L_A (Eq. 9)
            losses.update(
                self.attributes_head.loss(
                    self.encode_attributes(data_samples), categories,
                    data_samples, logit_scale, **multi_label))
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
        categories = self.all_categories()
        logit_scale = self.backbone.logit_scale
        if 'video' in self.branches:
            frames, _ = self.extract_feat(inputs)
            data_samples = self.cls_head.predict(frames, categories,
                                                 data_samples, logit_scale)
        if 'attributes' in self.branches:  # fused with S_V by Eq. 4
            data_samples = self.attributes_head.predict(
                self.encode_attributes(data_samples), categories,
                data_samples, logit_scale, fuse='video' in self.branches)
        return data_samples
