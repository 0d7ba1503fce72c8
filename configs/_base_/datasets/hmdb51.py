# HMDB-51 split 1 (mmaction's tools/data/hmdb51 lists). `ann_file_zero_shot`
# lists all 6,766 videos, for zero-shot tests (supplement A.3).
# No pipelines here: configs inherit `<dataset>_video_<input>.py`, which
# binds one of `pipelines/`.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/hmdb51/videos'
data_root_val = 'data/hmdb51/videos'
ann_file_train = 'data/hmdb51/hmdb51_train_split_1_videos.txt'
ann_file_val = 'data/hmdb51/hmdb51_val_split_1_videos.txt'
ann_file_test = ann_file_val
label_file = 'configs/_base_/labels/hmdb51.txt'
num_classes = 51
ann_file_zero_shot = 'data/hmdb51/hmdb51_all_videos.txt'

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

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
