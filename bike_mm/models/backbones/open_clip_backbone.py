"""CLIP image and text towers built by open_clip."""
import os.path as osp
from typing import Optional, Sequence, Tuple

import open_clip
import torch
import torch.nn as nn
from mmengine.model import BaseModule
from open_clip.transformer import text_global_pool

from mmaction.registry import MODELS

# Architectures shipped with bike_mm (e.g. the tiny model of the tests and the
# demo) are registered with open_clip, so they are built by name like any
# built-in open_clip architecture.
open_clip.add_model_config(osp.join(osp.dirname(__file__), 'model_configs'))


@MODELS.register_module()
class OpenCLIP(BaseModule):
    """CLIP vision and text encoders from open_clip.

    The architecture is chosen by open_clip model name and the weights are
    resolved separately, as in open_clip: ``pretrained`` is an open_clip tag
    (e.g. ``'openai'``) or the path of a local checkpoint file.

    Args:
        arch (str): open_clip model name, e.g. ``'ViT-B-32'``, ``'ViT-B-16'``,
            ``'ViT-L-14'``, ``'ViT-L-14-336'`` or ``'ViT-Tiny-16'`` (the tiny
            model shipped with bike_mm). ``'ViT-B/32'`` spelling is accepted.
        pretrained (str, optional): open_clip pretrained tag or checkpoint
            path. ``None`` gives random initialisation. Defaults to None.
        quick_gelu (bool): Use QuickGELU activations. OpenAI CLIP weights (and
            so every released BIKE model) were trained with QuickGELU; plain
            GELU silently changes their features. Defaults to True.
        freeze_text (bool): Freeze the text encoder (the paper's category
            encoder). Defaults to True.
        freeze_vision (bool): Freeze the vision encoder. Defaults to False.
        grad_checkpointing (bool): Activation checkpointing in both towers.
            Defaults to False.
        cache_dir (str, optional): Where open_clip keeps weights resolved
            from a tag. Defaults to None.
        text_chunk_size (int): Without gradients, :meth:`encode_text`
            encodes at most this many texts at once, which bounds the
            memory of encoding all K categories (the activations of
            400 x 77 tokens are ~1 GiB for ViT-B) at the same speed.
            Defaults to 64.
        init_logit_scale (float, optional): Initial logit scale (log of the
            inverse temperature) when no weights are loaded. Defaults to
            ``log(100)``, the paper's temperature of 0.01.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 arch: str = 'ViT-B-32',
                 pretrained: Optional[str] = None,
                 quick_gelu: bool = True,
                 freeze_text: bool = True,
                 freeze_vision: bool = False,
                 grad_checkpointing: bool = False,
                 cache_dir: Optional[str] = None,
                 text_chunk_size: int = 64,
                 init_logit_scale: float = 4.605170185988092,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.arch = arch.replace('/', '-')
        if pretrained is not None and not osp.isfile(pretrained) and \
                not open_clip.get_pretrained_cfg(self.arch, pretrained):
            raise FileNotFoundError(
                f'OpenCLIP(arch={self.arch!r}): pretrained={pretrained!r} is '
                'neither an existing file nor an open_clip tag of this '
                f'architecture (tags: '
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
                f'OpenCLIP: cannot build {self.arch!r} from pretrained='
                f'{pretrained!r}: {err}') from err
        if not hasattr(self.clip, 'transformer'):
            raise ValueError(
                f'OpenCLIP: {self.arch!r} has a custom text tower; BIKE needs '
                'the token outputs of the CLIP text transformer.')
        self.tokenizer = open_clip.get_tokenizer(self.arch)
        self.context_length = self.clip.context_length
        self.freeze_text = freeze_text
        self.freeze_vision = freeze_vision
        self.text_chunk_size = text_chunk_size
        for name, param in self.clip.named_parameters():
            is_vision = name.startswith('visual.')
            is_scale = name.startswith('logit_')
            if (is_vision and freeze_vision) or \
                    (not is_vision and not is_scale and freeze_text):
                param.requires_grad_(False)
        if grad_checkpointing:
            self.clip.set_grad_checkpointing(True)

    @property
    def embed_dim(self) -> int:
        """int: Dimension D of the joint embedding space."""
        return self.clip.text_projection.shape[-1]

    @property
    def logit_scale(self) -> torch.Tensor:
        """Tensor: CLIP's inverse temperature, clamped at 100 as in CLIP."""
        return self.clip.logit_scale.exp().clamp(max=100)

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Encode every frame of a batch of clips.

        Args:
            frames (Tensor): ``[B, T, C, H, W]`` normalised frames.

        Returns:
            Tensor: Per-frame embeddings ``[B, T, D]``.
        """
        b, t = frames.shape[:2]
        feats = self.clip.encode_image(frames.flatten(0, 1))
        return feats.view(b, t, -1)

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
                self.encode_text(chunk)
                for chunk in tokens.split(self.text_chunk_size)
            ]
            return tuple(torch.cat(parts) for parts in zip(*chunks))
        clip = self.clip
        cast_dtype = clip.transformer.get_cast_dtype()
        x = clip.token_embedding(tokens).to(cast_dtype)
        x = x + clip.positional_embedding.to(cast_dtype)
        # the causal mask stays on the training device when the text tower
        # is moved off it (CategoryCacheHook)
        x = clip.transformer(x, attn_mask=clip.attn_mask.to(x.device))
        x = clip.ln_final(x)
        if isinstance(clip.text_projection, nn.Linear):
            x = clip.text_projection(x)
        else:
            x = x @ clip.text_projection
        sentence = text_global_pool(
            x, tokens, clip.text_pool_type,
            eos_token_id=getattr(clip, 'text_eos_id', None))
        return sentence, x

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

    def train(self, mode: bool = True) -> 'OpenCLIP':
        """Keep frozen towers in eval mode."""
        super().train(mode)
        if self.freeze_vision:
            self.clip.visual.eval()
        if self.freeze_text:
            self.clip.transformer.eval()
        return self

