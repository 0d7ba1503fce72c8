from .activitynet_instances import (
    activitynet_instances,
    write_activitynet_instances,
)
from .checked_video_dataset import (
    AnnotationLine,
    CheckedVideoDataset,
    parse_annotation_file,
)
from .few_shot_dataset import FewShotDataset
from .label_files import load_class_names
from .transforms import (
    FullResCrop,
    LoadAttributeSentence,
    ReleasedUniformSample,
    ShortSideResize,
    TrimToSegment,
)
from .video_pipelines import video_dataloaders, video_pipeline
from .video_segment_dataset import VideoSegmentDataset

__all__ = [
    'AnnotationLine', 'CheckedVideoDataset', 'parse_annotation_file',
    'FewShotDataset', 'VideoSegmentDataset', 'load_class_names',
    'activitynet_instances', 'write_activitynet_instances',
    'video_dataloaders', 'video_pipeline', 'FullResCrop',
    'LoadAttributeSentence', 'ReleasedUniformSample', 'ShortSideResize',
    'TrimToSegment'
]
