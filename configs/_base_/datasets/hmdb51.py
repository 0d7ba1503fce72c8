# HMDB-51 split 1 (mmaction's tools/data/hmdb51 lists). `ann_file_zero_shot`
# lists all 6,766 videos, for zero-shot tests (supplement A.3).
_base_ = ['./video.py']

label_file = 'configs/_base_/labels/hmdb51.txt'
num_classes = 51
ann_file_zero_shot = 'data/hmdb51/hmdb51_all_videos.txt'
videos = dict(
    type='CheckedVideoDataset', label_file=label_file,
    num_classes=num_classes, data_prefix=dict(video='data/hmdb51/videos'))
train_dataloader = dict(dataset=dict(
    ann_file='data/hmdb51/hmdb51_train_split_1_videos.txt', **videos))
val_dataloader = dict(dataset=dict(
    ann_file='data/hmdb51/hmdb51_val_split_1_videos.txt', **videos))
test_dataloader = val_dataloader
