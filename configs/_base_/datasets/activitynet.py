# ActivityNet v1.3, as the released BIKE: training on the annotated
# activities as trimmed segments ("path start end label" lines, seconds;
# tools/data/activitynet_instances.py; VideoSegmentDataset, frames sampled
# within the segment), testing on whole untrimmed videos ("path label").
# Top-1 and video-level mAP (paper Table 2). `ann_file_zero_shot` lists all
# videos of train+val, for zero-shot tests (supplement A.3).
_base_ = ['./video.py']

label_file = 'configs/_base_/labels/activitynet1.3.txt'
num_classes = 200
ann_file_zero_shot = 'data/ActivityNet/anet_all_videos.txt'
videos = dict(
    type='CheckedVideoDataset', label_file=label_file,
    num_classes=num_classes, data_prefix=dict(video='data/ActivityNet/videos'))
train_dataloader = dict(dataset=dict(
    videos, type='VideoSegmentDataset',
    ann_file='data/ActivityNet/anet_train_instances.txt'))
val_dataloader = dict(dataset=dict(
    ann_file='data/ActivityNet/anet_val_videos.txt', **videos))
test_dataloader = val_dataloader

val_evaluator = dict(type='AccMAPMetric')
test_evaluator = val_evaluator
