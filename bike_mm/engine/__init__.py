from .atomic_local_backend import AtomicLocalBackend, write_atomically
from .cpu_distributed import init_cpu_process_group, prepare_cpu_distributed
from .hooks import (CategoryCacheHook, ConsolidateShardedOptimizerHook,
                    DatasetClassesHook, ExactResumeHook, RunConsistencyHook,
                    WorkDirCheckpointHook)
from .model_wrappers import (CPUDistributedDataParallel, FullyShardedModel,
                             apply_fully_shard)
from .optimizers import ShardedOptimizer
from .run_checks import ClassNamesMismatch, check_class_names
from .runners import ShardedRunner
from .safe_checkpoint import (CheckpointError, enable_safe_checkpoint_loading,
                              load_checkpoint_file)

__all__ = [
    'AtomicLocalBackend', 'write_atomically', 'init_cpu_process_group',
    'prepare_cpu_distributed', 'CategoryCacheHook',
    'ConsolidateShardedOptimizerHook', 'DatasetClassesHook',
    'ExactResumeHook', 'RunConsistencyHook', 'WorkDirCheckpointHook',
    'CPUDistributedDataParallel', 'FullyShardedModel', 'apply_fully_shard',
    'ShardedOptimizer', 'ClassNamesMismatch', 'check_class_names',
    'ShardedRunner', 'CheckpointError', 'enable_safe_checkpoint_loading',
    'load_checkpoint_file'
]
