# BIKE video branch, CLIP ViT-L/14, 8 frames, Kinetics-400; released
# variant. Expected top-1: 86.4 single view, 87.4 with 4x3 views (paper
# Table 6i; released log exps/k400/ViT-L/14/8f/log.txt 86.4 single view,
# README 87.4). Recipe: supplement Table A.1 (20 epochs).
_base_ = ['../_base_/models/bike_vit-l-p14.py',
          '../_base_/datasets/kinetics400.py',
          '../_base_/schedules/bike_adamw_cosine_20e.py']

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes))
