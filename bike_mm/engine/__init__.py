from .atomic_local_backend import AtomicLocalBackend, write_atomically
from .cpu_distributed import enable_cpu_distributed
from .hooks import (CategoryCacheHook, ConsolidateShardedOptimizerHook,
                    DatasetClassesHook, ExactResumeHook, RunConsistencyHook,
                    WorkDirCheckpointHook)
from .model_wrappers import (FullyShardedModel, apply_fully_shard,
                             enable_sharded_init)
from .optimizers import ShardedOptimizer
from .package_configs import enable_package_configs
from .run_checks import ClassNamesMismatch, check_class_names
from .safe_checkpoint import (CheckpointError, enable_safe_checkpoint_loading,
                              load_checkpoint_file)

__all__ = [
    'AtomicLocalBackend', 'write_atomically', 'enable_cpu_distributed',
    'CategoryCacheHook', 'ConsolidateShardedOptimizerHook',
    'DatasetClassesHook', 'ExactResumeHook', 'RunConsistencyHook',
    'WorkDirCheckpointHook', 'FullyShardedModel', 'apply_fully_shard',
    'enable_sharded_init', 'ShardedOptimizer', 'enable_package_configs',
    'ClassNamesMismatch',
    'check_class_names', 'CheckpointError', 'enable_safe_checkpoint_loading',
    'load_checkpoint_file'
]
