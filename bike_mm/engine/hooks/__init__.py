from .dataset_classes_hook import DatasetClassesHook
from .exact_resume_hook import ExactResumeHook
from .run_consistency_hook import RunConsistencyHook
from .work_dir_checkpoint_hook import WorkDirCheckpointHook

__all__ = [
    'DatasetClassesHook', 'ExactResumeHook', 'RunConsistencyHook',
    'WorkDirCheckpointHook'
]
