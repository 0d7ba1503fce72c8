"""mmaction's VideoDataset with build-time validation and handling of
undecodable videos."""
import os.path as osp
from typing import Any, List, NamedTuple, Optional, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.logging import MMLogger

from ..engine.rng_states import EpochSeededFetch
from .label_files import load_class_names, read_text_lines


class AnnotationLine(NamedTuple):
    """One video of an annotation file.

    Attributes:
        line_no (int): Line number in the file (from 1).
        path (str): The video path as written (before ``data_prefix``).
        label (int | list[int]): Its label(s).
        text (str): The line as written.
    """
    line_no: int
    path: str
    label: Union[int, List[int]]
    text: str


def parse_annotation_file(ann_file: str,
                          delimiter: str = ' ',
                          multi_class: bool = False,
                          num_classes: Optional[int] = None
                          ) -> List[AnnotationLine]:
    """Read an mmaction video annotation file (``path label`` lines).

    A UTF-8 BOM is ignored; blank lines are skipped. A missing, empty or
    non-UTF-8 file, a malformed line or a label outside
    ``[0, num_classes)`` is an error naming the file and line.

    Args:
        ann_file (str): The annotation file.
        delimiter (str): Field separator. Defaults to ``' '``.
        multi_class (bool): Lines may carry several labels.
        num_classes (int, optional): Labels must be below it.

    Returns:
        list[AnnotationLine]: The videos in file order.
    """
    entries = []
    for line_no, line in read_text_lines(ann_file, 'Annotation file'):
        if not line.strip():
            continue
        where = f'{ann_file}, line {line_no}'
        fields = line.strip().split(delimiter)
        if len(fields) < 2 or (len(fields) > 2 and not multi_class):
            raise ValueError(f'{where}: expected "path label", got {line!r}')
        try:
            labels = [int(x) for x in fields[1:]]
        except ValueError:
            raise ValueError(
                f'{where}: label is not an integer: {line!r}') from None
        for label in labels:
            if num_classes is not None and not 0 <= label < num_classes:
                raise ValueError(f'{where}: label {label} is outside '
                                 f'[0, {num_classes}) (num_classes='
                                 f'{num_classes})')
        entries.append(
            AnnotationLine(line_no, fields[0],
                           labels if multi_class else labels[0], line))
    return entries


@DATASETS.register_module()
class CheckedVideoDataset(EpochSeededFetch, VideoDataset):
    """:class:`mmaction.datasets.VideoDataset` (annotation lines
    ``path label``) that checks its input and names what is wrong.

    At build time: a missing or empty annotation file, a malformed line or a
    label outside ``[0, num_classes)`` raises an error naming the file and
    line; a ``label_file`` whose length differs from ``num_classes`` raises an
    error naming it.

    When loading: a video that cannot be read or decoded is fatal by default,
    with its path in the error. With ``skip_corrupt=True`` (training only) it
    is replaced by another random sample, and every replacement is logged with
    the running count.

    Args:
        ann_file (str): Annotation file.
        pipeline (list): Processing pipeline.
        label_file (str, optional): Class names, one per line; stored as
            ``metainfo['classes']``. Defaults to None.
        skip_corrupt (bool): Replace undecodable training videos instead of
            failing. Defaults to False.
        **kwargs: Other arguments of :class:`VideoDataset`
            (``data_prefix``, ``num_classes``, ``multi_class``, ...).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List,
                 label_file: Optional[str] = None,
                 skip_corrupt: bool = False,
                 **kwargs) -> None:
        self.skip_corrupt = skip_corrupt
        self.num_skipped = 0
        if label_file is not None:
            names = load_class_names(label_file, kwargs.get('num_classes'))
            kwargs['metainfo'] = dict(
                kwargs.get('metainfo') or {}, classes=names)
            kwargs.setdefault('num_classes', len(names))
        super().__init__(ann_file, pipeline, **kwargs)

    def load_data_list(self) -> List[dict]:
        prefix = self.data_prefix['video']
        return [
            dict(filename=entry.path if prefix is None else osp.join(
                prefix, entry.path), label=entry.label)
            for entry in parse_annotation_file(
                self.ann_file, self.delimiter, self.multi_class,
                self.num_classes)
        ]

    def prepare_data(self, idx: int) -> Any:
        try:
            return super().prepare_data(idx)
        except Exception as err:
            filename = self.get_data_info(idx)['filename']
            if self.test_mode or not self.skip_corrupt:
                raise RuntimeError(
                    f'Cannot load video {filename}: {err}') from err
            self.num_skipped += 1
            MMLogger.get_current_instance().warning(
                f'Skipped undecodable video {filename} ({err}); '
                f'{self.num_skipped} skipped so far by this worker')
            return None  # BaseDataset then draws another sample
