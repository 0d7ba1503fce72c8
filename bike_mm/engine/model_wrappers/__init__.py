from .fully_sharded import (SHARDED_BLOCK_TYPES, FullyShardedModel,
                            apply_fully_shard, is_sharded_block)

__all__ = [
    'SHARDED_BLOCK_TYPES', 'FullyShardedModel', 'apply_fully_shard',
    'is_sharded_block'
]
