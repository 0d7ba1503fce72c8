# BIKE ViT-L/14, 16 frames, Kinetics-400; released variant. Expected: 88.1
# top-1 / 97.9 top-5 with 4x3 views (paper Table 1); released log
# exps/k400/ViT-L/14/16f/log.txt: 87.2 single view.
_base_ = ['./bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

num_frames = 16
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames, input_size=224)
model = dict(num_frames=num_frames)
