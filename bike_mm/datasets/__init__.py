from .activitynet_instances import (activitynet_instances,
                                    write_activitynet_instances)
from .checked_video_dataset import CheckedVideoDataset
from .few_shot_dataset import FewShotDataset
from .label_files import load_class_names
from .transforms import (AttributeFile, FullResCrop, LoadAttributeSentence,
                         ReleasedUniformSample, ShortSideResize,
                         TrimToSegment)
from .video_pipelines import video_dataloaders, video_pipeline
from .video_segment_dataset import VideoSegmentDataset

__all__ = [
    'CheckedVideoDataset', 'FewShotDataset', 'VideoSegmentDataset',
    'load_class_names', 'activitynet_instances',
    'write_activitynet_instances', 'video_dataloaders', 'video_pipeline',
    'AttributeFile', 'FullResCrop', 'LoadAttributeSentence',
    'ReleasedUniformSample', 'ShortSideResize', 'TrimToSegment'
]
