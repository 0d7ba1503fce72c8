from .open_clip_backbone import OpenCLIP

__all__ = ['OpenCLIP']
