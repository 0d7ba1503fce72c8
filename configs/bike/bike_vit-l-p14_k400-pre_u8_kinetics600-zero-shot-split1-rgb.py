# Zero-shot Kinetics-600, split 1 of 3 (paper Table 5, supplement A.3): 160
# of the 220 classes new to Kinetics-400, with the Kinetics-400 ViT-L/14
# 8-frame model (bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py, released
# variant), single view. Paper: 68.5 +- 1.2 top-1, mean +- std over the
# three splits:
#   python tools/analysis/test_splits.py K400_CHECKPOINT \
#       configs/bike/bike_vit-l-p14_k400-pre_u8_kinetics600-zero-shot-split{1,2,3}-rgb.py  # noqa: E501
_base_ = [
    '../_base_/models/bike_vit-l-p14.py',
    '../_base_/datasets/kinetics600_zero_shot.py'
]

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes))
