from .cross_frame_open_clip import CrossFrameOpenCLIP
from .open_clip_backbone import OpenCLIP

__all__ = ['CrossFrameOpenCLIP', 'OpenCLIP']
