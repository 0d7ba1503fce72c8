"""Converting data into the layouts the datasets read."""
from .errors import PreparationError
from .folder_configs import folder_dataset_configs
from .folder_dataset import (
    FolderDataset,
    build_folder_dataset,
    scan_class_folders,
    stratified_split,
)
from .rawframes import (
    FILENAME_TMPL,
    check_rawframes,
    extract_video_frames,
    videos_to_rawframes,
)
from .video_check import (
    find_bad_videos,
    video_decode_error,
    video_decode_errors,
)

__all__ = [
    'FILENAME_TMPL', 'FolderDataset', 'PreparationError',
    'build_folder_dataset', 'check_rawframes', 'extract_video_frames',
    'find_bad_videos', 'folder_dataset_configs', 'scan_class_folders',
    'stratified_split', 'video_decode_error', 'video_decode_errors',
    'videos_to_rawframes'
]
