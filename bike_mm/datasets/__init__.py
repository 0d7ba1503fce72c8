from .checked_video_dataset import CheckedVideoDataset
from .few_shot_dataset import FewShotDataset
from .label_files import load_class_names
from .transforms import LoadAttributeSentence

__all__ = [
    'CheckedVideoDataset', 'FewShotDataset', 'load_class_names',
    'LoadAttributeSentence'
]
