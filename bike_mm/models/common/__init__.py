from .cross_frame_message import CrossFrameMessage
from .temporal_transformer import TemporalTransformer
from .token_t1d import TokenT1D
from .video_specific_prompt import VideoSpecificPrompt

__all__ = [
    'CrossFrameMessage', 'TemporalTransformer', 'TokenT1D',
    'VideoSpecificPrompt'
]
