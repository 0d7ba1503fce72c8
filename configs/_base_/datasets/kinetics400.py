# Kinetics-400 (videos read with decord; lists "path label" as written by
# mmaction's tools/data/kinetics). Frame folders: RawframeDataset, see
# docs/evaluation.md.
_base_ = ['./video.py']

label_file = 'configs/_base_/labels/kinetics400.txt'
num_classes = 400
videos = dict(
    type='CheckedVideoDataset', label_file=label_file,
    num_classes=num_classes)
train_dataloader = dict(
    dataset=dict(
        ann_file='data/kinetics400/kinetics400_train_list_videos.txt',
        data_prefix=dict(video='data/kinetics400/videos_train'),
        **videos))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/kinetics400/kinetics400_val_list_videos.txt',
        data_prefix=dict(video='data/kinetics400/videos_val'),
        **videos))
test_dataloader = val_dataloader
