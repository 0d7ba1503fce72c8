from .cross_frame_open_clip import CrossFrameOpenCLIP
from .open_clip_backbone import OpenCLIP
from .open_clip_text_encoder import OpenCLIPTextEncoder

__all__ = ['CrossFrameOpenCLIP', 'OpenCLIP', 'OpenCLIPTextEncoder']
