"""Frame sampling of the released BIKE code (one frame per segment)."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class ReleasedUniformSample(BaseTransform):
    """Uniform (TSN-style) sampling with the arithmetic of the released BIKE
    code, so that a converted checkpoint sees the frames it was tested on.

    Training: the ``L`` frames are split into ``clip_len`` segments of
    ``(L - 1) / clip_len`` frames whose bounds are rounded half to even;
    one frame is drawn from each segment, both bounds included.

    Testing (``test_mode=True``): with ``tick = L / clip_len`` a clip takes
    frames ``int(start + tick * t) % L``; the ``num_clips`` starts are
    spread evenly over ``[0, tick - 1]`` and truncated to integers. One clip
    (validation, single view) starts at 0. mmaction's ``UniformSample``
    differs: it takes the middle of each segment.

    Required keys: ``total_frames``, ``start_index`` (optional, default 0).
    Added keys: ``frame_inds`` (``num_clips * clip_len``, clip-major),
    ``clip_len``, ``frame_interval`` (None), ``num_clips``.

    Args:
        clip_len (int): Frames per clip ``T``.
        num_clips (int): Clips per video (test only). Defaults to 1.
        test_mode (bool): Deterministic test sampling. Defaults to False.
    """

    def __init__(self,
                 clip_len: int,
                 num_clips: int = 1,
                 test_mode: bool = False) -> None:
        if clip_len < 1 or num_clips < 1:
            raise ValueError(
                f'clip_len and num_clips must be >= 1, got {clip_len}, '
                f'{num_clips}')
        if num_clips > 1 and not test_mode:
            raise ValueError('several clips are a test-time protocol: '
                             'set test_mode=True')
        self.clip_len = clip_len
        self.num_clips = num_clips
        self.test_mode = test_mode

    def _train_indices(self, num_frames: int) -> np.ndarray:
        segment = (num_frames - 1) / self.clip_len
        bounds = np.round(segment * np.arange(self.clip_len + 1))
        return np.array([
            np.random.randint(int(low),
                              int(high) + 1)
            for low, high in zip(bounds[:-1], bounds[1:])
        ])

    def _test_indices(self, num_frames: int) -> np.ndarray:
        tick = num_frames / self.clip_len
        # truncated towards zero, as numpy 1.x casts (numpy 2 floors,
        # which differs for videos shorter than a clip: tick - 1 < 0)
        starts = np.linspace(0, tick - 1, num=self.num_clips).astype(int)
        steps = tick * np.arange(self.clip_len)
        return np.concatenate([(start + steps).astype(int) % num_frames
                               for start in starts.tolist()])

    def transform(self, results: Dict) -> Dict:
        """Sample ``frame_inds`` from ``results['total_frames']``."""
        num_frames = results['total_frames']
        indices = self._test_indices(num_frames) if self.test_mode \
            else self._train_indices(num_frames)
        results['frame_inds'] = indices + results.get('start_index', 0)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = None
        results['num_clips'] = self.num_clips
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'num_clips={self.num_clips}, test_mode={self.test_mode})')
