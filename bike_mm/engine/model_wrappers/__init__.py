from .fully_sharded import (SHARDED_BLOCK_TYPES, FullyShardedModel,
                            apply_fully_shard, is_sharded_block)
from .sharded_init import enable_sharded_init

__all__ = [
    'SHARDED_BLOCK_TYPES', 'FullyShardedModel', 'apply_fully_shard',
    'is_sharded_block', 'enable_sharded_init'
]
