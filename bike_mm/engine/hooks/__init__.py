from .category_cache_hook import CategoryCacheHook
from .consolidate_sharded_optimizer_hook import ConsolidateShardedOptimizerHook
from .dataset_classes_hook import DatasetClassesHook
from .exact_resume_hook import ExactResumeHook
from .run_consistency_hook import RunConsistencyHook
from .work_dir_checkpoint_hook import WorkDirCheckpointHook

__all__ = [
    'CategoryCacheHook', 'ConsolidateShardedOptimizerHook',
    'DatasetClassesHook', 'ExactResumeHook', 'RunConsistencyHook',
    'WorkDirCheckpointHook'
]
