"""The categories a recognizer scores: class names, their prompt tokens and
the cache of their embeddings."""
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from ..backbones.clip_text_tower import CLIPTextTower
from .category_cache import load_or_encode
from .text_embeddings import TextEmbeddings


class CategorySource(NamedTuple):
    """What turns class names into one set of category embeddings.

    Attributes:
        text (CLIPTextTower): Tokenizes the prompts and encodes them.
        head (nn.Module): A :class:`TextConditionedHead`; its
            ``category_embeddings`` gives the text features the head's form.
        trainable (bool): The text tower is trained, so its embeddings are
            recomputed at every training step instead of cached.
    """
    text: CLIPTextTower
    head: nn.Module
    trainable: bool


class CategoryBank:
    """Class names, their tokens under every prompt template, and their
    embeddings (prompt-ensembled and cached) for each category source.

    With several prompt templates, training uses a random one per call and
    testing averages them all (prompt ensembling, X-CLIP's protocol).
    Embeddings of a source that cannot change (frozen, or not training) are
    computed once without gradients and kept, in memory and, with
    ``cache_dir``, in a file (see :func:`load_or_encode`); the owner drops
    the cache when weights are loaded (:meth:`drop_cache`). The class tokens
    are plain tensors, not buffers: identical on every rank, so they need no
    syncing, and they stay out of checkpoints.

    Args:
        sources (dict[str, CategorySource]): The sources by name (e.g. a
            recognizer's branches with a category encoder of their own).
        prompt_templates (str | list[str]): Category prompt(s) with one
            ``{}``.
    """

    def __init__(self, sources: Dict[str, CategorySource],
                 prompt_templates: Sequence[str]) -> None:
        self.sources = dict(sources)
        self.prompt_templates: List[str] = [prompt_templates] if isinstance(
            prompt_templates, str) else list(prompt_templates)
        if not self.prompt_templates:
            raise ValueError('CategoryBank: prompt_template is empty')
        #: directory of category cache files, None for no file
        self.cache_dir: Optional[str] = None
        self.class_names: List[str] = []
        self._tokens: Dict[str, Tuple[torch.Tensor, torch.Tensor]] = {}
        self.drop_cache()

    def set_classes(self, names: Sequence[str]) -> None:
        """Tokenize ``names`` under every prompt template for every source.

        Args:
            names (list[str]): The K class names.
        """
        self.class_names = list(names)
        self._tokens = {}
        for name, source in self.sources.items():
            tokenized = [
                source.text.tokenize(self.class_names, template)
                for template in self.prompt_templates
            ]
            self._tokens[name] = (
                torch.stack([tokens for tokens, _ in tokenized]),
                torch.stack([mask for _, mask in tokenized]))
        self.drop_cache()

    def tokens(self, source: str) -> Tuple[torch.Tensor, torch.Tensor]:
        """``[P, K, L]`` token ids of the K classes under the P prompt
        templates, and the bool mask of the class names' own tokens."""
        return self._tokens[source]

    def drop_cache(self) -> None:
        """Forget the embeddings (weights or classes changed)."""
        self._cache: Dict[Tuple[str, Optional[int]], TextEmbeddings] = {}

    def encode(self,
               source: str,
               index: Optional[torch.Tensor] = None,
               template: Optional[int] = None) -> TextEmbeddings:
        """Category embeddings in the source head's form, with gradients
        where the text tower has them.

        Args:
            source (str): Whose categories.
            index (Tensor, optional): Class indices to encode; all K classes
                when None.
            template (int, optional): Index of the prompt template to use;
                None averages all templates (prompt ensembling).

        Returns:
            TextEmbeddings: One row per requested class, where the text tower
            is (a frozen one may be kept off the training device).
        """
        text, head = self.sources[source].text, self.sources[source].head
        tokens, mask = (x.to(text.device) for x in self._tokens[source])
        if index is not None:
            tokens, mask = tokens[:, index], mask[:, index]
        if template is not None:
            tokens, mask = tokens[template:template + 1], \
                mask[template:template + 1]
        return TextEmbeddings.average([
            head.category_embeddings(*text.encode(template_tokens),
                                     template_mask)
            for template_tokens, template_mask in zip(tokens, mask)
        ])

    def step_template(self, training: bool) -> Optional[int]:
        """The prompt template of a step: a random one while training with
        several, else None (all averaged)."""
        if training and len(self.prompt_templates) > 1:
            return int(torch.randint(len(self.prompt_templates), ()))
        return None

    def cached(self, source: str, template: Optional[int],
               device: torch.device) -> TextEmbeddings:
        """Embeddings of all K categories under prompt ``template`` (None:
        all averaged), encoded once without gradients and kept on
        ``device``; read from and written to a file of :attr:`cache_dir`
        when one is set."""
        key = (source, template)
        if key not in self._cache:
            templates = slice(None) if template is None else \
                slice(template, template + 1)
            tokens, mask = self._tokens[source]
            text, head = self.sources[source].text, self.sources[source].head
            self._cache[key] = load_or_encode(
                lambda: self.encode(source, template=template), text.clip,
                tokens[templates], mask[templates], head, self.cache_dir)
        self._cache[key] = self._cache[key].to(device)
        return self._cache[key]

    def all(self, source: str, training: bool,
            device: torch.device) -> TextEmbeddings:
        """Embeddings of all K categories of a step: encoded with gradients
        while a trainable source trains, else :meth:`cached`."""
        template = self.step_template(training)
        if training and self.sources[source].trainable:
            return self.encode(source, template=template)
        return self.cached(source, template, device)

    def batch(self, source: str, labels: torch.Tensor, training: bool,
              device: torch.device) -> TextEmbeddings:
        """The category ``C[y_i]`` of every sample of a training batch.

        Args:
            source (str): Whose categories.
            labels (Tensor): ``[N]`` class indices.
            training (bool): Whether the owner trains.
            device (torch.device): Where cached embeddings go.
        """
        if not self.sources[source].trainable:
            return self.all(source, training, device).select(labels)
        # a trainable text tower encodes each class of the batch once
        classes, inverse = labels.unique(return_inverse=True)
        return self.encode(
            source, classes,
            template=self.step_template(training)).select(inverse)
