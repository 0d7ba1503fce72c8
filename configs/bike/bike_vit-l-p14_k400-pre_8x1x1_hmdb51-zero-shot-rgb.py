# Zero-shot HMDB-51 (paper Table 5, supplement A.3) with the Kinetics-400
# ViT-L/14 8-frame model (bike_vit-l-p14_8xb32-8x1x1-20e_kinetics400-rgb),
# no training:
# half-classes 61.4 +- 3.6 top-1 (mean +- std over 10 random halves of
# 25 classes, `zero_shot/subset_top1_mean/std`), full-classes 52.8
# (`zero_shot/full_top1`). Single view.
#   python tools/test.py CONFIG K400_CHECKPOINT
_base_ = [
    '../_base_/models/bike_vit-l-p14.py',
    '../_base_/datasets/hmdb51_video_u8_224.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    cls_head=dict(num_classes={{_base_.num_classes}}))
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_dataloader = dict(
    dataset=dict(
        ann_file={{_base_.ann_file_zero_shot}},
        pipeline={{_base_.val_pipeline}}))
test_evaluator = dict(type='ZeroShotMetric', num_repeats=10, seed=0)
