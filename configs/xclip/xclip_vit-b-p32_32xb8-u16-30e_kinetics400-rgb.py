# X-CLIP-B/32, 16 frames, K400. Released model zoo: 81.1 top-1 / 95.5 top-5
# with 4x3 views.
_base_ = ['./xclip_vit-b-p32_32xb8-u8-30e_kinetics400-rgb.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

num_frames = 16
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames, input_size=224)
model = dict(num_frames=num_frames)
