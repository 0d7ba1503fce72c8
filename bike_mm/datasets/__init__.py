from .checked_video_dataset import (AnnotationLine, CheckedVideoDataset,
                                    parse_annotation_file)
from .few_shot_dataset import FewShotDataset
from .label_files import load_class_names
from .transforms import LoadAttributeSentence

__all__ = [
    'AnnotationLine', 'CheckedVideoDataset', 'parse_annotation_file',
    'FewShotDataset', 'load_class_names', 'LoadAttributeSentence'
]
