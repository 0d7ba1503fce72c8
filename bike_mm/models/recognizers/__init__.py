from .bike_recognizer import BIKERecognizer

__all__ = ['BIKERecognizer']
