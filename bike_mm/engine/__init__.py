from .cpu_distributed import enable_cpu_distributed
from .package_configs import enable_package_configs
from .safe_checkpoint import enable_safe_checkpoint_loading

__all__ = [
    'enable_cpu_distributed', 'enable_package_configs',
    'enable_safe_checkpoint_loading'
]
