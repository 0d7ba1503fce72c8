# Charades, multi-label: one "path label label ..." line per video (all
# its action classes), multi-hot targets; mAP (paper Table 3).
# No pipelines here: configs inherit `<dataset>_video_<input>.py`, which
# binds one of `pipelines/`.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/charades/videos'
data_root_val = 'data/charades/videos'
ann_file_train = 'data/charades/charades_train_videos.txt'
ann_file_val = 'data/charades/charades_test_videos.txt'
ann_file_test = ann_file_val
label_file = 'configs/_base_/labels/charades.txt'
num_classes = 157
dataset_args = dict(
    type=dataset_type,
    label_file=label_file,
    num_classes=num_classes,
    multi_class=True)
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        ann_file=ann_file_train, data_prefix=dict(video=data_root),
        **dataset_args))
val_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_val, data_prefix=dict(video=data_root_val),
        test_mode=True, **dataset_args))
test_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_test, data_prefix=dict(video=data_root_val),
        test_mode=True, **dataset_args))

val_evaluator = dict(
    type='AccMetric', metric_list=('mean_average_precision', ))
test_evaluator = val_evaluator
