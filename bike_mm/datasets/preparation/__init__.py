"""Converting data into the layouts the datasets read."""
from .errors import PreparationError
from .rawframes import (FILENAME_TMPL, check_rawframes, extract_video_frames,
                        videos_to_rawframes)

__all__ = [
    'FILENAME_TMPL', 'PreparationError', 'check_rawframes',
    'extract_video_frames', 'videos_to_rawframes'
]
