from .inference import (
    InferenceResult,
    inference_recognizer,
    init_recognizer,
    pack_video,
    pipeline_with_views,
)
from .long_video import (
    Timeline,
    WindowResult,
    recognize_windows,
    save_timeline,
    window_starts,
)

__all__ = [
    'InferenceResult', 'Timeline', 'WindowResult', 'inference_recognizer',
    'init_recognizer', 'pack_video', 'pipeline_with_views',
    'recognize_windows', 'save_timeline', 'window_starts'
]
