# BIKE ViT-L/14 at 336px, 16 frames, Kinetics-400; released variant.
# Released model (not in the paper's tables): 88.7 top-1 with 4x3 views
# (README), 87.9 single view (exps/k400/ViT-L/14-336px/16f/log.txt).
# Batch 8x8 as released.
_base_ = ['./bike_vit-l-p14-336_8xb16-u8-20e_kinetics400-rgb.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

num_frames = 16
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames, _base_.input_size)
train_dataloader.update(batch_size=8)
model = dict(num_frames=num_frames)
