"""Trimmed instances of untrimmed videos: ``path start end label`` lines."""
from typing import Tuple

from mmaction.registry import DATASETS
from .checked_video_dataset import CheckedVideoDataset


@DATASETS.register_module()
class VideoSegmentDataset(CheckedVideoDataset):
    """A :class:`CheckedVideoDataset` whose samples are segments of videos:
    each annotation line is ``path start end label`` with ``start`` and
    ``end`` in seconds (as written by ``tools/data/activitynet_instances.py``
    from ActivityNet's annotations). Each sample carries ``segment=(start,
    end)``; put ``TrimToSegment`` after ``DecordInit`` so that frames are
    sampled within it. This is the released BIKE's ActivityNet training set
    (its 15,409 trimmed instances); testing reads whole videos with
    :class:`CheckedVideoDataset`.

    Args:
        **kwargs: Arguments of :class:`CheckedVideoDataset`; ``multi_class``
            is not supported (one label per segment).
    """

    def _parse_line(self, line: str, line_no: int) -> dict:
        where = f'{self.ann_file}, line {line_no}'
        fields = line.strip().split(self.delimiter)
        if len(fields) != 4:
            raise ValueError(
                f'{where}: expected "path start end label", got {line!r}')
        segment = self._segment(fields[1:3], where)
        info = super()._parse_line(f'{fields[0]} {fields[3]}', line_no)
        info['segment'] = segment
        return info

    @staticmethod
    def _segment(fields, where: str) -> Tuple[float, float]:
        try:
            start, end = (float(x) for x in fields)
        except ValueError:
            raise ValueError(f'{where}: start and end must be seconds, got '
                             f'{" ".join(fields)!r}') from None
        if not 0 <= start < end:
            raise ValueError(
                f'{where}: segment [{start}, {end}] is empty or negative')
        return start, end
