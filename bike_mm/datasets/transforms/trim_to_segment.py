"""Restrict frame sampling to a segment of the video."""
import math
from typing import Dict

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class TrimToSegment(BaseTransform):
    """Make the frames of ``results['segment']`` (seconds) the whole video
    for the samplers that follow: ``start_index`` moves to the segment's
    first frame and ``total_frames`` becomes its length, so that
    ``ReleasedUniformSample`` (or mmaction's samplers) draw frames within
    it, as the released BIKE code does with its pre-trimmed ActivityNet
    instances. Samples without ``segment`` (whole-video testing) pass
    unchanged.

    Frames ``floor(start * fps)`` to ``ceil(end * fps) - 1`` are kept,
    clipped to the video (at least one frame).

    Required keys: ``total_frames``, ``avg_fps`` (set by ``DecordInit``),
    ``segment`` (optional), ``start_index`` (optional, default 0).
    Modified keys: ``total_frames``, ``start_index``.
    """

    def transform(self, results: Dict) -> Dict:
        """Trim ``total_frames``/``start_index`` to the segment."""
        if results.get('segment') is None:
            return results
        start, end = results['segment']
        fps, num_frames = results['avg_fps'], results['total_frames']
        first = min(int(start * fps), num_frames - 1)
        stop = min(math.ceil(end * fps), num_frames)
        results['start_index'] = results.get('start_index', 0) + first
        results['total_frames'] = max(stop - first, 1)
        return results
