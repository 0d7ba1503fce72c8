"""CLIP text tower on its own: encodes category names and attribute
sentences."""
from typing import Optional

from mmaction.registry import MODELS
from mmengine.model import BaseModule

from .clip_text_tower import CLIPTextTower
from .open_clip_factory import LOG_100, clip_arch_name, create_clip


@MODELS.register_module()
class OpenCLIPTextEncoder(BaseModule):
    """The text encoder of an open_clip CLIP, without its image tower.

    Built by :func:`create_clip` (architecture by name, weights by tag or
    file); parameters keep open_clip's names under ``clip.``, so CLIP
    checkpoints load unchanged. Used as BIKE's attribute sentence encoder
    ``g(.|phi_a)`` and as the category encoder of the attributes branch.
    Tokenizing and encoding: ``self.text``, a :class:`CLIPTextTower`.

    Args:
        arch (str): open_clip model name, e.g. ``'ViT-B-32'``, ``'ViT-L-14'``
            or ``'ViT-Tiny-16'`` / ``'ViT-Tiny-Wide-16'`` (tiny models shipped
            with bike_mm). ``'ViT-B/32'`` spelling is accepted.
        pretrained (str, optional): open_clip pretrained tag or checkpoint
            path. ``None`` gives random initialisation. Defaults to None.
        quick_gelu (bool): Use QuickGELU activations (see
            :func:`create_clip`). Defaults to True.
        freeze_text (bool): Freeze the text encoder. Defaults to True.
        cache_dir (str, optional): Where open_clip keeps weights resolved
            from a tag. Defaults to None.
        text_chunk_size (int): See :class:`CLIPTextTower`. Defaults to 64.
        init_logit_scale (float): Initial logit scale when no weights are
            loaded. Defaults to ``log(100)``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

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
        self.arch = clip_arch_name(arch)
        self.clip = create_clip(
            self.arch,
            pretrained,
            quick_gelu=quick_gelu,
            cache_dir=cache_dir,
            init_logit_scale=init_logit_scale,
            image_tower=False,
            owner=type(self).__name__)
        self.text = CLIPTextTower(
            self.clip, self.arch, text_chunk_size, frozen=freeze_text)
        # without an image tower the logit scale is unused; a trainable
        # parameter without gradient would break DDP
        for name, param in self.clip.named_parameters():
            if name.startswith('logit_'):
                param.requires_grad_(False)

    @property
    def freeze_text(self) -> bool:
        """bool: Whether the text tower is frozen."""
        return self.text.frozen

    @property
    def embed_dim(self) -> int:
        """int: Dimension D of the joint embedding space."""
        return self.text.embed_dim

    def train(self, mode: bool = True) -> 'OpenCLIPTextEncoder':
        """Keep a frozen text tower in eval mode."""
        super().train(mode)
        self.text.train(mode)
        return self
