from . import torch_compat

__all__ = ['torch_compat']
