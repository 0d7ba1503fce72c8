# Charades (multi-label, multi-hot targets), fine-tuned from the Kinetics-400
# ViT-L/14-336 16-frame model: 50.4 mAP (paper Table 3;
# `acc/mean_average_precision`).
# Recipe: supplement Table A.1 (20 epochs), batch 8x8 as released.
_base_ = [
    '../_base_/models/bike_vit-l-p14-336.py',
    '../_base_/datasets/charades_video_u16_336.py',
    '../_base_/schedules/bike_adamw_cosine_20e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    # mAP ranks each class's mean similarity (docs/evaluation.md)
    cls_head=dict(
        num_classes={{_base_.num_classes}}, average_clips='score'))
train_dataloader = dict(batch_size=8)
# the Kinetics-400 model this fine-tunes (a checkpoint of its work dir)
load_from = 'work_dirs/bike_vit-l-p14-336_8xb8-16x1x1-20e_kinetics400-rgb/epoch_20.pth'
