# mmaction's UniFormerV2-B/16 (CLIP weights) on exactly the data, views and
# schedule of configs/bike/bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py:
# the two configs differ only in `model`, so their work dirs compare side by
# side (tools/analysis/compare_work_dirs.py). No paper number; mmaction
# reports 84.3 top-1 with its own recipe
# (uniformerv2-base-p16-res224_clip_8xb32-u8_kinetics400-rgb, 4x3 views).
_base_ = ['../_base_/models/uniformerv2_base-p16.py',
          '../_base_/datasets/kinetics400.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']

# the model base's 8 frames of 224px are the dataset's
model = dict(cls_head=dict(num_classes=_base_.num_classes))
