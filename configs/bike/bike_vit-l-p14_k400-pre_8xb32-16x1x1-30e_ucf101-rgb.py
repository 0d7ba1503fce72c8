# UCF-101 split 1, fine-tuned from the Kinetics-400 ViT-L/14 16-frame model
# (supplement B.1, 30 epochs): 98.8 top-1 (Table A.3).
# Recipe: supplement Table A.1 (30 epochs), batch 8x32 as released.
_base_ = [
    '../_base_/models/bike_vit-l-p14.py',
    '../_base_/datasets/ucf101_video_u16_224.py',
    '../_base_/schedules/bike_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    cls_head=dict(num_classes={{_base_.num_classes}}))
# the Kinetics-400 model this fine-tunes (a checkpoint of its work dir)
load_from = 'work_dirs/bike_vit-l-p14_8xb32-16x1x1-20e_kinetics400-rgb/epoch_20.pth'
