# BIKE ViT-L/14 at 336px, 8 frames, Kinetics-400; released variant.
# Expected: 88.3 top-1 / 98.1 top-5 with 4x3 views (paper Table 1);
# released log exps/k400/ViT-L/14-336px/8f/log.txt: 87.2 single view.
# Frames at short side 336 (as released). Batch 8x16 as released.
_base_ = ['./bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

input_size = 336
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames=8, input_size=input_size)
train_dataloader.update(batch_size=16)
model = dict(backbone=dict(arch='ViT-L-14-336'))
