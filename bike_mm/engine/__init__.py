from .cpu_distributed import enable_cpu_distributed
from .hooks import CategoryCacheHook, ConsolidateShardedOptimizerHook
from .optimizers import ShardedOptimizer
from .safe_checkpoint import enable_safe_checkpoint_loading

__all__ = [
    'CategoryCacheHook', 'ConsolidateShardedOptimizerHook',
    'ShardedOptimizer', 'enable_cpu_distributed',
    'enable_safe_checkpoint_loading'
]
