# UCF-101 split 1 (mmaction's tools/data/ucf101 lists, labels 0-based in
# the order of configs/_base_/labels/ucf101.txt). `ann_file_zero_shot` lists
# all 13,320 videos, for zero-shot tests (supplement A.3).
_base_ = ['./video.py']

label_file = 'configs/_base_/labels/ucf101.txt'
num_classes = 101
ann_file_zero_shot = 'data/ucf101/ucf101_all_videos.txt'
videos = dict(
    type='CheckedVideoDataset', label_file=label_file,
    num_classes=num_classes, data_prefix=dict(video='data/ucf101/videos'))
train_dataloader = dict(dataset=dict(
    ann_file='data/ucf101/ucf101_train_split_1_videos.txt', **videos))
val_dataloader = dict(dataset=dict(
    ann_file='data/ucf101/ucf101_val_split_1_videos.txt', **videos))
test_dataloader = val_dataloader
