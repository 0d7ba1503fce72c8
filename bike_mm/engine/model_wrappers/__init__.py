from .cpu_distributed_data_parallel import CPUDistributedDataParallel
from .fully_sharded import (SHARDED_BLOCK_TYPES, FullyShardedModel,
                            apply_fully_shard, is_sharded_block)

__all__ = [
    'CPUDistributedDataParallel', 'SHARDED_BLOCK_TYPES', 'FullyShardedModel',
    'apply_fully_shard', 'is_sharded_block'
]
