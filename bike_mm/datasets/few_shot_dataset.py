"""Few-shot training sets: K videos per class, repeated to a full epoch."""
import copy
from collections import defaultdict
from typing import Any, Dict, List, Union

import numpy as np
from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset, force_full_init

from ..engine.rng_states import EpochSeededFetch


@DATASETS.register_module()
class FewShotDataset(EpochSeededFetch):
    """Keeps ``shots`` random videos of every class of a single-label
    dataset and repeats them so that an epoch has as many samples (hence
    iterations) as the full dataset (BIKE supplement A.1).

    The selection depends only on ``seed`` and the annotation, not on the
    global random state, so every rank and every run trains on the same
    videos. Sample ``i`` of an epoch is selected video ``i mod (K * C)``:
    each selected video appears ``len(full) // (K * C)`` or one more times.

    Args:
        dataset (BaseDataset | dict): The full training set (or its config),
            with integer labels.
        shots (int): Videos per class K.
        seed (int): Seed of the selection. Defaults to 0.
        lazy_init (bool): Defer loading the annotation. Defaults to False.
    """

    def __init__(self,
                 dataset: Union[BaseDataset, dict],
                 shots: int,
                 seed: int = 0,
                 lazy_init: bool = False) -> None:
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        if not isinstance(dataset, BaseDataset):
            raise TypeError('FewShotDataset: dataset must be a BaseDataset '
                            f'or its config, got {type(dataset)}')
        if shots < 1:
            raise ValueError(f'FewShotDataset: shots must be >= 1, got '
                             f'{shots}')
        self.dataset = dataset
        self.shots = shots
        self.seed = seed
        self._metainfo = dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's meta information."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Load the annotation and select the few-shot videos."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        self._epoch_len = len(self.dataset)
        self.selected = self._select()
        self._fully_initialized = True

    def _videos_by_class(self) -> Dict[int, List[int]]:
        by_class = defaultdict(list)
        for idx in range(len(self.dataset)):
            label = self.dataset.get_data_info(idx)['label']
            if not isinstance(label, (int, np.integer)):
                raise ValueError(
                    'FewShotDataset needs single-label data, sample '
                    f'{idx} has label {label!r}')
            by_class[int(label)].append(idx)
        return by_class

    def _select(self) -> List[int]:
        rng = np.random.default_rng(self.seed)
        selected = []
        for label, videos in sorted(self._videos_by_class().items()):
            if len(videos) < self.shots:
                raise ValueError(
                    f'FewShotDataset: class {label} has {len(videos)} '
                    f'videos, fewer than shots={self.shots}')
            selected.extend(rng.choice(videos, self.shots, replace=False))
        return sorted(int(i) for i in selected)

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Annotation of sample ``idx`` of an epoch."""
        return self.dataset.get_data_info(self.selected[idx %
                                                        len(self.selected)])

    @force_full_init
    def __len__(self) -> int:
        return self._epoch_len

    def __getitem__(self, idx: int) -> Any:
        self.full_init()
        return self.dataset[self.selected[idx % len(self.selected)]]
