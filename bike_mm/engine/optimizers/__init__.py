from .fused_fallback_constructor import FusedFallbackOptimWrapperConstructor
from .sharded_optimizer import ShardedOptimizer

__all__ = ['FusedFallbackOptimWrapperConstructor', 'ShardedOptimizer']
