# Zero-shot transfer on the embedded demo dataset: bike_tiny_demo trained on
# 5 "seen" classes (labels_seen.txt) and tested on the 3 others
# (labels_unseen.txt), never seen in training. Each split names its classes
# through its own label file; DatasetClassesHook makes the model score the
# classes of the split being run and prints chance (1/3) next to the result.
#   python tools/train.py configs/demo/zero_shot_bike_tiny_demo.py
#   python tools/test.py configs/demo/zero_shot_bike_tiny_demo.py \
#       work_dirs/zero_shot_bike_tiny_demo/epoch_40.pth --allow-class-mismatch
# (the checkpoint was trained on other classes than the test set's: that is
# the point here, so tools/test.py is told to only warn about it).
# Test metrics: top-1 / top-2 / mean-class accuracy among the 3 unseen
# classes.
_base_ = ['./bike_tiny_demo.py']

seen_label_file = 'data/demo/labels_seen.txt'
unseen_label_file = 'data/demo/labels_unseen.txt'
model = dict(
    class_names=seen_label_file, cls_head=dict(num_classes=5))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/demo/train_seen.txt',
        label_file=seen_label_file,
        num_classes=5))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/demo/val_seen.txt',
        label_file=seen_label_file,
        num_classes=5))
test_dataloader = dict(
    dataset=dict(
        ann_file='data/demo/test_unseen.txt',
        label_file=unseen_label_file,
        num_classes=3))
# the list replaces default_runtime.py's: its hooks restated
custom_hooks = [
    dict(type='ExactResumeHook'),
    dict(type='RunConsistencyHook', allow_class_mismatch=False),
    dict(type='CategoryCacheHook'),
    dict(type='ConsolidateShardedOptimizerHook'),
    dict(type='DatasetClassesHook')
]
test_evaluator = dict(
    type='AccMetric',
    metric_options=dict(top_k_accuracy=dict(topk=(1, 2))))
