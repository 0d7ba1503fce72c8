"""CLIP text tower built by open_clip: encodes category names and
attribute sentences."""
import os.path as osp
from typing import Optional, Sequence, Tuple

import open_clip
import torch
from mmengine.model import BaseModule

from mmaction.registry import MODELS
from .open_clip_adapter import encode_text_tokens, has_classic_text_tower

# Architectures shipped with bike_mm (the tiny models of the tests and the
# demo) are registered with open_clip, so they are built by name like any
# built-in open_clip architecture.
open_clip.add_model_config(osp.join(osp.dirname(__file__), 'model_configs'))

#: Log of CLIP's initial inverse temperature 100 (temperature 0.01).
LOG_100 = 4.605170185988092


@MODELS.register_module()
class OpenCLIPTextEncoder(BaseModule):
    """The text encoder of an open_clip CLIP, without its image tower.

    The architecture is chosen by open_clip model name and the weights are
    resolved separately, as in open_clip: ``pretrained`` is an open_clip tag
    (e.g. ``'openai'``) or the path of a local checkpoint file. Parameters
    keep open_clip's names under ``clip.``, so CLIP checkpoints load
    unchanged. Used on its own as BIKE's attribute sentence encoder
    ``g(.|phi_a)`` (and category encoder of the attributes branch); the base
    of :class:`OpenCLIP`, which adds the image tower.

    Args:
        arch (str): open_clip model name, e.g. ``'ViT-B-32'``, ``'ViT-L-14'``
            or ``'ViT-Tiny-16'`` / ``'ViT-Tiny-Wide-16'`` (tiny models shipped
            with bike_mm). ``'ViT-B/32'`` spelling is accepted.
        pretrained (str, optional): open_clip pretrained tag or checkpoint
            path. ``None`` gives random initialisation. Defaults to None.
        quick_gelu (bool): Use QuickGELU activations. OpenAI CLIP weights (and
            so every released BIKE model) were trained with QuickGELU; plain
            GELU silently changes their features. Defaults to True.
        freeze_text (bool): Freeze the text encoder. Defaults to True.
        cache_dir (str, optional): Where open_clip keeps weights resolved
            from a tag. Defaults to None.
        text_chunk_size (int): Without gradients, :meth:`encode_text`
            encodes at most this many texts at once, which bounds the
            memory of encoding all K categories (the activations of
            400 x 77 tokens are ~1 GiB for ViT-B) at the same speed.
            Defaults to 64.
        init_logit_scale (float): Initial logit scale when no weights are
            loaded. Defaults to ``log(100)``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    #: Whether the image tower is kept (:class:`OpenCLIP`).
    keeps_image_tower = False

    def __init__(self,
                 arch: str = 'ViT-B-32',
                 pretrained: Optional[str] = None,
                 quick_gelu: bool = True,
                 freeze_text: bool = True,
                 cache_dir: Optional[str] = None,
                 text_chunk_size: int = 64,
                 init_logit_scale: float = LOG_100,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.text_chunk_size = text_chunk_size
        self.arch = arch.replace('/', '-')
        if pretrained is not None and not osp.isfile(pretrained) and \
                not open_clip.get_pretrained_cfg(self.arch, pretrained):
            raise FileNotFoundError(
                f'{type(self).__name__}(arch={self.arch!r}): pretrained='
                f'{pretrained!r} is neither an existing file nor an '
                'open_clip tag of this architecture (tags: '
                f'{open_clip.list_pretrained_tags_by_model(self.arch)})')
        try:
            self.clip = open_clip.create_model(
                self.arch,
                pretrained=pretrained,
                force_quick_gelu=quick_gelu,
                cache_dir=cache_dir,
                init_logit_scale=init_logit_scale)
        except RuntimeError as err:
            raise RuntimeError(
                f'{type(self).__name__}: cannot build {self.arch!r} from '
                f'pretrained={pretrained!r}: {err}') from err
        if not has_classic_text_tower(self.clip):
            raise ValueError(
                f'{type(self).__name__}: {self.arch!r} has a custom text '
                'tower; BIKE needs the token outputs of the CLIP text '
                'transformer.')
        if not self.keeps_image_tower:
            # keeps its weights out of memory and checkpoints
            self.clip.visual = None
        self.tokenizer = open_clip.get_tokenizer(self.arch)
        self.context_length = self.clip.context_length
        self.freeze_text = freeze_text
        for name, param in self.clip.named_parameters():
            is_text = not name.startswith(('visual.', 'logit_'))
            if is_text and freeze_text:
                param.requires_grad_(False)
            # without an image tower the logit scale is unused; a trainable
            # parameter without gradient would break DDP
            if name.startswith('logit_') and not self.keeps_image_tower:
                param.requires_grad_(False)

    @property
    def embed_dim(self) -> int:
        """int: Dimension D of the joint embedding space."""
        return self.clip.text_projection.shape[-1]

    def encode_text(self,
                    tokens: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode token sequences with the CLIP text transformer.

        Args:
            tokens (Tensor): ``[K, L]`` token ids.

        Returns:
            tuple[Tensor, Tensor]: The sentence embedding ``[K, D]`` (taken at
            the EOT token, as CLIP does) and the projected embedding of every
            token ``[K, L, D]``.
        """
        if not torch.is_grad_enabled() and \
                len(tokens) > self.text_chunk_size:
            chunks = [
                encode_text_tokens(self.clip, chunk)
                for chunk in tokens.split(self.text_chunk_size)
            ]
            return tuple(torch.cat(parts) for parts in zip(*chunks))
        return encode_text_tokens(self.clip, tokens)

    def tokenize(self, texts: Sequence[str],
                 template: str = '{}') -> Tuple[torch.Tensor, torch.Tensor]:
        """Tokenize ``template.format(text)`` for every text and mark the
        tokens that come from the text itself (the paper's N words).

        Args:
            texts (Sequence[str]): K texts, e.g. class names.
            template (str): Prompt with one ``{}``. Defaults to ``'{}'``.

        Returns:
            tuple[Tensor, Tensor]: Token ids ``[K, L]`` (identical to the
            open_clip tokenizer's output for the formatted prompt) and a bool
            mask ``[K, L]`` of the text's own tokens.
        """
        if template.count('{}') != 1:
            raise ValueError(
                f'Prompt template {template!r} must contain exactly one '
                '"{}"')
        if len(texts) == 0:
            raise ValueError('Cannot tokenize an empty list of texts')
        prefix, suffix = template.split('{}')
        encode = self.tokenizer.encode
        prefix_ids, suffix_ids = encode(prefix), encode(suffix)
        sot = self.tokenizer.sot_token_id
        eot = self.tokenizer.eot_token_id
        length = self.context_length
        tokens = torch.zeros(len(texts), length, dtype=torch.long)
        mask = torch.zeros(len(texts), length, dtype=torch.bool)
        for i, text in enumerate(texts):
            text_ids = encode(text)
            ids = [sot] + prefix_ids + text_ids + suffix_ids + [eot]
            if len(ids) > length:  # truncate as open_clip does: keep EOT
                ids = ids[:length - 1] + [eot]
            start = 1 + len(prefix_ids)
            end = min(start + len(text_ids), length - 1)
            if end <= start:
                raise ValueError(
                    f'Text {text!r} has no token left in the '
                    f'{length}-token context of template {template!r}')
            tokens[i, :len(ids)] = torch.tensor(ids)
            mask[i, start:end] = True
        return tokens, mask

    def train(self, mode: bool = True) -> 'OpenCLIPTextEncoder':
        """Keep a frozen text tower in eval mode."""
        super().train(mode)
        if self.freeze_text:
            self.clip.transformer.eval()
        return self
