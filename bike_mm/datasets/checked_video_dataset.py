"""mmaction's VideoDataset with build-time validation and handling of
undecodable videos."""
import os.path as osp
from typing import Any, List, Optional

from mmengine.logging import MMLogger

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from .label_files import load_class_names


@DATASETS.register_module()
class CheckedVideoDataset(VideoDataset):
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
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'Annotation file not found: {self.ann_file}')
        data_list = []
        with open(self.ann_file, encoding='utf-8') as f:
            for line_no, line in enumerate(f, 1):
                if line.strip():
                    data_list.append(self._parse_line(line, line_no))
        if not data_list:
            raise ValueError(f'Annotation file is empty: {self.ann_file}')
        return data_list

    def _parse_line(self, line: str, line_no: int) -> dict:
        where = f'{self.ann_file}, line {line_no}'
        fields = line.strip().split(self.delimiter)
        if len(fields) < 2 or (len(fields) > 2 and not self.multi_class):
            raise ValueError(f'{where}: expected "path label", got {line!r}')
        try:
            labels = [int(x) for x in fields[1:]]
        except ValueError:
            raise ValueError(
                f'{where}: label is not an integer: {line!r}') from None
        if self.num_classes is not None:
            for label in labels:
                if not 0 <= label < self.num_classes:
                    raise ValueError(f'{where}: label {label} is outside '
                                     f'[0, {self.num_classes}) (num_classes='
                                     f'{self.num_classes})')
        filename = fields[0]
        if self.data_prefix['video'] is not None:
            filename = osp.join(self.data_prefix['video'], filename)
        label: Any = labels if self.multi_class else labels[0]
        return dict(filename=filename, label=label)

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
