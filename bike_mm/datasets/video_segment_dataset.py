"""Trimmed instances of untrimmed videos: ``path start end label`` lines."""
import os.path as osp
from typing import List, Sequence, Tuple

from mmaction.registry import DATASETS

from .checked_video_dataset import CheckedVideoDataset
from .label_files import read_text_lines


@DATASETS.register_module()
class VideoSegmentDataset(CheckedVideoDataset):
    """A :class:`CheckedVideoDataset` whose samples are segments of videos:
    each annotation line is ``path start end label`` with ``start`` and
    ``end`` in seconds (as written by ``tools/data/activitynet_instances.py``
    from ActivityNet's annotations). Each sample carries ``segment=(start,
    end)``; ``TrimToSegment`` after ``DecordInit`` makes the samplers draw
    frames within it. This is the released BIKE's ActivityNet training set
    (its 15,409 trimmed instances); testing reads whole videos with
    :class:`CheckedVideoDataset`.

    A malformed line, an empty segment or a label outside
    ``[0, num_classes)`` is an error naming the file and line.

    Args:
        **kwargs: Arguments of :class:`CheckedVideoDataset` (one label per
            segment: ``multi_class`` is not supported).
    """

    def load_data_list(self) -> List[dict]:
        prefix = self.data_prefix['video']
        data_list = []
        for line_no, line in read_text_lines(self.ann_file,
                                             'Annotation file'):
            if not line.strip():
                continue
            where = f'{self.ann_file}, line {line_no}'
            fields = line.strip().split(self.delimiter)
            if len(fields) != 4:
                raise ValueError(f'{where}: expected "path start end '
                                 f'label", got {line!r}')
            data_list.append(
                dict(filename=fields[0] if prefix is None else osp.join(
                    prefix, fields[0]),
                     segment=self._segment(fields[1:3], where),
                     label=self._label(fields[3], where)))
        return data_list

    @staticmethod
    def _segment(fields: Sequence[str], where: str) -> Tuple[float, float]:
        try:
            start, end = (float(x) for x in fields)
        except ValueError:
            raise ValueError(f'{where}: start and end must be seconds, got '
                             f'{" ".join(fields)!r}') from None
        if not 0 <= start < end:
            raise ValueError(
                f'{where}: segment [{start}, {end}] is empty or negative')
        return start, end

    def _label(self, field: str, where: str) -> int:
        try:
            label = int(field)
        except ValueError:
            raise ValueError(
                f'{where}: label is not an integer: {field!r}') from None
        if self.num_classes is not None and not 0 <= label < self.num_classes:
            raise ValueError(f'{where}: label {label} is outside '
                             f'[0, {self.num_classes}) (num_classes='
                             f'{self.num_classes})')
        return label
