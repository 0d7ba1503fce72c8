# BIKE ViT-L/14 at 336px, 32 frames, Kinetics-400; released variant.
# Expected: 88.6 top-1 / 98.3 top-5 with 4x3 views (paper Table 1).
# Batch 8x5 as released.
_base_ = ['./bike_vit-l-p14-336_8xb8-u16-20e_kinetics400-rgb.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

num_frames = 32
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames, _base_.input_size)
train_dataloader.update(batch_size=5)
model = dict(num_frames=num_frames)
