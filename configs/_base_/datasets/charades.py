# Charades, multi-label: one "path label label ..." line per video (all
# its action classes), multi-hot targets; mAP (paper Table 3).
_base_ = ['./video.py']

label_file = 'configs/_base_/labels/charades.txt'
num_classes = 157
videos = dict(
    type='CheckedVideoDataset', label_file=label_file,
    num_classes=num_classes, multi_class=True,
    data_prefix=dict(video='data/charades/videos'))
train_dataloader = dict(dataset=dict(
    ann_file='data/charades/charades_train_videos.txt', **videos))
val_dataloader = dict(dataset=dict(
    ann_file='data/charades/charades_test_videos.txt', **videos))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='AccMetric', metric_list=('mean_average_precision', ))
test_evaluator = val_evaluator
