"""The embedded demo dataset that the demo configs and the tests run on."""
from .dataset import CLASSES, generate_demo_dataset

__all__ = ['CLASSES', 'generate_demo_dataset']
