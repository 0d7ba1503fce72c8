# The embedded demo dataset (tools/generate_demo_dataset.py): 8 classes of
# synthetic 96x128 videos, 8 frames per clip, 64x64 crops (of frames at
# short side 72) for the tiny CLIP; single-view tests.
_base_ = ['./video.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

label_file = 'data/demo/labels.txt'
num_classes = 8
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames=8, input_size=64, short_side=72, test_views=(1, 1))
videos = dict(
    type='CheckedVideoDataset', label_file=label_file,
    num_classes=num_classes, data_prefix=dict(video='data/demo/videos'))
train_dataloader.update(batch_size=8, num_workers=2)
train_dataloader['dataset'].update(videos, ann_file='data/demo/train.txt')
val_dataloader.update(batch_size=8, num_workers=2)
val_dataloader['dataset'].update(videos, ann_file='data/demo/val.txt')
test_dataloader.update(batch_size=8, num_workers=2)
test_dataloader['dataset'].update(videos, ann_file='data/demo/test.txt')
