from .inference import (InferenceResult, inference_recognizer,
                        init_recognizer, pack_video, pipeline_with_views)

__all__ = [
    'InferenceResult', 'inference_recognizer', 'init_recognizer',
    'pack_video', 'pipeline_with_views'
]
