# ActivityNet v1.3, untrimmed: one "path label" line per whole video (its
# activity class), frames sampled across the whole video. Top-1 and
# video-level mAP (paper Table 2). `ann_file_zero_shot` lists all videos
# of train+val, for zero-shot tests (supplement A.3).
# No pipelines here: configs inherit `<dataset>_video_<input>.py`, which
# binds one of `pipelines/`.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/ActivityNet/videos'
data_root_val = 'data/ActivityNet/videos'
ann_file_train = 'data/ActivityNet/anet_train_videos.txt'
ann_file_val = 'data/ActivityNet/anet_val_videos.txt'
ann_file_test = ann_file_val
label_file = 'configs/_base_/labels/activitynet1.3.txt'
num_classes = 200
ann_file_zero_shot = 'data/ActivityNet/anet_all_videos.txt'

dataset_args = dict(
    type=dataset_type, label_file=label_file, num_classes=num_classes)
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

val_evaluator = dict(type='AccMAPMetric')
test_evaluator = val_evaluator
