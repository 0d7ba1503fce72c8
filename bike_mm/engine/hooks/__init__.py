from .dataset_classes_hook import DatasetClassesHook

__all__ = ['DatasetClassesHook']
