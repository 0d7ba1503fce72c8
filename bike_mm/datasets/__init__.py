from .checked_video_dataset import CheckedVideoDataset
from .label_files import load_class_names

__all__ = ['CheckedVideoDataset', 'load_class_names']
