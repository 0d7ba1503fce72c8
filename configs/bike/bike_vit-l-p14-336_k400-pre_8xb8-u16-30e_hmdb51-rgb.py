# HMDB-51 split 1, fine-tuned from the Kinetics-400 ViT-L/14-336 16-frame
# model (supplement B.1, 30 epochs); released variant: 83.1 top-1 (Table
# A.3; 4x3 views). Recipe: supplement Table A.1 (30 epochs), batch 8x8 as
# released.
_base_ = ['../_base_/models/bike_vit-l-p14-336.py',
          '../_base_/datasets/hmdb51.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

num_frames = 16
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames, input_size=336)
train_dataloader.update(batch_size=8)
model = dict(
    num_frames=num_frames,
    class_names=_base_.label_file,
    cls_head=dict(num_classes=_base_.num_classes))
# the Kinetics-400 model this fine-tunes (a checkpoint of its work dir)
load_from = 'work_dirs/bike_vit-l-p14-336_8xb8-u16-20e_kinetics400-rgb/' \
    'epoch_20.pth'
