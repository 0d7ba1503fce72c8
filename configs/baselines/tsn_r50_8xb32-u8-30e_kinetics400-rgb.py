# mmaction's TSN-R50 (ImageNet-pretrained) on exactly the data, views and
# schedule of configs/bike/bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py:
# the two configs differ only in `model`, so their work dirs compare side by
# side (tools/analysis/compare_work_dirs.py). No paper number; mmaction
# reports 74.12 top-1 with its own recipe
# (tsn_imagenet-pretrained-r50_8xb32-1x1x8-100e_kinetics400-rgb, 25x10
# views).
_base_ = ['../_base_/models/tsn_r50.py',
          '../_base_/datasets/kinetics400.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']

model = dict(cls_head=dict(num_classes=_base_.num_classes))
