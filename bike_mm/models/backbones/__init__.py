from .clip_text_tower import CLIPTextTower
from .cross_frame_open_clip import CrossFrameOpenCLIP
from .open_clip_backbone import OpenCLIP
from .open_clip_factory import create_clip
from .open_clip_text_encoder import OpenCLIPTextEncoder

__all__ = [
    'CLIPTextTower', 'CrossFrameOpenCLIP', 'OpenCLIP', 'OpenCLIPTextEncoder',
    'create_clip'
]
