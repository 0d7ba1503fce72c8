from .frames_to_clips_preprocessor import FramesToClipsPreprocessor

__all__ = ['FramesToClipsPreprocessor']
