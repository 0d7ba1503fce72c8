from .cpu_distributed import enable_cpu_distributed
from .hooks import DatasetClassesHook
from .safe_checkpoint import enable_safe_checkpoint_loading

__all__ = [
    'enable_cpu_distributed', 'enable_safe_checkpoint_loading',
    'DatasetClassesHook'
]
