# Zero-shot ActivityNet (paper Table 5, supplement A.3) with the Kinetics-400
# ViT-L/14 8-frame model (bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb,
# released variant), no training, single view: half-classes 86.2 +- 1.0 top-1
# (mean +- std over 10 random halves of 100 classes,
# `zero_shot/subset_top1_mean/std`), full-classes 80.0 (`zero_shot/full_top1`).
#   python tools/test.py CONFIG K400_CHECKPOINT
_base_ = ['../_base_/models/bike_vit-l-p14.py',
          '../_base_/datasets/activitynet.py']

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes))
train_dataloader = val_dataloader = val_evaluator = None
test_dataloader = dict(
    dataset=dict(_base_.val_dataloader.dataset,
                 ann_file=_base_.ann_file_zero_shot))
test_evaluator = dict(type='ZeroShotMetric', num_repeats=10, seed=0)
