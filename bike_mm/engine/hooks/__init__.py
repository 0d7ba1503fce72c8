from .category_cache_hook import CategoryCacheHook
from .consolidate_sharded_optimizer_hook import \
    ConsolidateShardedOptimizerHook

__all__ = ['CategoryCacheHook', 'ConsolidateShardedOptimizerHook']
