"""Category embeddings cached in the work dir; text tower off the device."""
import os
import os.path as osp
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.dist import barrier, get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...models.utils.category_cache import text_tower_state
from ...utils.torch_compat import replace_parameter_data


@HOOKS.register_module()
class CategoryCacheHook(Hook):
    """Fill a frozen category encoder's cache once per job, reuse it across
    restarts, and keep the text tower off the training device.

    - The recognizer's category embeddings are read from and written to
      ``<work_dir>/category_cache`` (files keyed by a hash of the text
      weights, prompts and classes; see :func:`load_or_encode`), so a
      restart or a test run with the same classes does not encode again.
    - Before training, rank 0 fills the cache and writes the file; the other
      ranks then read it instead of encoding too.
    - With ``offload_text_encoder`` the frozen text tower's parameters move
      to ``offload_device`` once the cache is filled: they stay in the
      model (checkpoints keep every key, :meth:`set_classes` and loading
      weights keep working: categories are then encoded there), but no
      longer occupy accelerator memory (242 MiB for ViT-B). When training
      on that device already (the CPU), they are memory-mapped from
      ``<work_dir>/category_cache/text_tower.pth`` instead (with
      ``cache_file``), which takes them out of the process's own memory.
      Not done when the text tower is trained or the attributes branch
      encodes sentences every step.

    Args:
        cache_file (bool): Keep cache files in the work dir. Defaults to
            True.
        offload_text_encoder (bool): Move the frozen text tower off the
            training device after filling the cache. Defaults to True.
        offload_device (str): Where it goes. Defaults to ``'cpu'``.
    """

    priority = 'LOW'

    def __init__(self,
                 cache_file: bool = True,
                 offload_text_encoder: bool = True,
                 offload_device: str = 'cpu') -> None:
        self.cache_file = cache_file
        self.offload_text_encoder = offload_text_encoder
        self.offload_device = offload_device

    @staticmethod
    def _recognizer(runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        return model if hasattr(model, 'cached_categories') else None

    def before_run(self, runner) -> None:
        model = self._recognizer(runner)
        if model is not None and self.cache_file:
            model.category_cache_dir = osp.join(runner.work_dir,
                                                'category_cache')

    def before_train(self, runner) -> None:
        model = self._recognizer(runner)
        if model is None or not model.backbone.freeze_text:
            return
        # the cache keys training uses: one random template per iteration
        # with a prompt ensemble, else the single template
        count = len(model.prompt_templates)
        templates = range(count) if count > 1 else [None]
        for turn in ('rank 0', 'others'):
            if (get_rank() == 0) == (turn == 'rank 0'):
                for template in templates:
                    model.cached_categories(template)
            barrier()
        uses_text_per_step = getattr(model, 'attributes_head', None) \
            is not None and 'attributes' in model.branches
        if self.offload_text_encoder and not uses_text_per_step:
            clip = model.backbone.clip
            on_device = clip.token_embedding.weight.device.type == \
                torch.device(self.offload_device).type
            # already there (CPU training): map it from a file instead, so
            # it leaves the process's anonymous memory
            mmap_file = osp.join(runner.work_dir, 'category_cache',
                                 'text_tower.pth') \
                if on_device and self.cache_file else None
            offload_text_tower(clip, self.offload_device, mmap_file)


def offload_text_tower(clip: torch.nn.Module,
                       device: str,
                       mmap_file: Optional[str] = None) -> None:
    """Move the parameters of an open_clip CLIP's text tower to ``device``;
    buffers stay (the causal mask is tiny, and buffer syncing across ranks
    expects them on the training device).

    Args:
        clip (nn.Module): The open_clip CLIP.
        device (str): Where the parameters go.
        mmap_file (str, optional): Rank 0 writes the parameters there and
            every rank memory-maps them from it: pages backed by the
            file, which the kernel may drop and re-read, and copied on
            write (loading weights later leaves the file as it is).
            Defaults to None.
    """
    params = {
        name: param
        for name, param in clip.named_parameters()
        if name in text_tower_state(clip)
    }
    moved = {name: p.detach().to(device) for name, p in params.items()}
    if mmap_file is not None:
        if get_rank() == 0:
            os.makedirs(osp.dirname(mmap_file), exist_ok=True)
            partial = f'{mmap_file}.partial'
            torch.save(moved, partial)
            os.replace(partial, mmap_file)
        barrier()
        # ranks on another machine without a shared work dir keep theirs
        if osp.isfile(mmap_file):
            moved = torch.load(mmap_file, mmap=True, weights_only=True)
    for name, param in params.items():
        # the same Parameter objects (e.g. referenced by the optimizer) now
        # hold the moved data
        replace_parameter_data(param, moved[name])
