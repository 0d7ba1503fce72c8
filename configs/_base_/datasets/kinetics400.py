# Kinetics-400 (videos read with decord; lists "path label" as written by
# mmaction's tools/data/kinetics). Frame folders: RawframeDataset, see
# docs/evaluation.md.
# No pipelines here: configs inherit `<dataset>_video_<input>.py`, which
# binds one of `pipelines/`.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
ann_file_test = ann_file_val
label_file = 'configs/_base_/labels/kinetics400.txt'
num_classes = 400
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
