"""Random states that make a resumed run continue exactly."""
from functools import partial

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from mmaction.registry import HOOKS
from ..resume import resume_options
from ..rng_states import (EpochSeededFetch, capture_rng_states, derive_seed,
                          restore_rng_states, seed_all,
                          seed_worker_per_epoch, shared_epoch)


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Make ``k`` epochs + resume give the same batches, weights and
    optimizer state as an uninterrupted run (with ``randomness.seed`` set).

    * Every training epoch starts from generators seeded by
      ``(seed, epoch, rank)`` in the main process and by
      ``(seed, epoch, rank, worker)`` in each data-loading worker
      (:func:`seed_worker_per_epoch`); persistent workers are reseeded at
      each epoch's first batch by datasets with :class:`EpochSeededFetch`
      (bike_mm's), other datasets with persistent workers get a warning.
      Validation in between does not shift them.
    * The DataLoader draws its workers' base seed from a generator of its
      own, so creating the workers (at the first epoch after a resume, not
      again later with persistent workers) leaves the main stream alone.
    * Checkpoints keep the generator states (``meta.rng_states``) and the
      sampler's seed; a resume restores both, which makes iteration-based
      runs continue their streams too.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        self._epoch = shared_epoch()
        loader = runner.train_dataloader
        loader.generator = torch.Generator().manual_seed(
            derive_seed(runner.seed, get_rank()))
        if loader.num_workers > 0:
            if loader.persistent_workers and not isinstance(
                    loader.dataset, EpochSeededFetch):
                runner.logger.warning(
                    f'ExactResumeHook: {type(loader.dataset).__name__} '
                    'does not reseed persistent data-loading workers per '
                    'epoch; a resume continues their random streams '
                    'differently (set train_dataloader.persistent_workers='
                    'False for an exact resume)')
            loader.worker_init_fn = partial(
                seed_worker_per_epoch,
                seed=runner.seed,
                rank=get_rank(),
                epoch=self._epoch)

    def before_train_epoch(self, runner) -> None:
        self._epoch.value = runner.epoch
        seed_all(derive_seed(runner.seed, runner.epoch, get_rank()))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['meta']['rng_states'] = capture_rng_states()
        sampler = getattr(runner.train_dataloader, 'sampler', None)
        if hasattr(sampler, 'seed'):
            checkpoint['meta']['sampler_seed'] = sampler.seed

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not resume_options(runner)[0]:
            return  # load_from: weights only, a fresh run otherwise
        meta = checkpoint.get('meta', {})
        if 'rng_states' in meta:
            restore_rng_states(meta['rng_states'])
        sampler = getattr(runner.train_dataloader, 'sampler', None)
        if 'sampler_seed' in meta and hasattr(sampler, 'seed'):
            sampler.seed = meta['sampler_seed']
