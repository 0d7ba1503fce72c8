"""Checkpoints made by other code, converted for bike_mm models."""
from .released import ConversionError, convert

__all__ = ['ConversionError', 'convert']
