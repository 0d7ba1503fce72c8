# mmaction's TimeSformer (divided space-time) on exactly the data, views and
# schedule of configs/bike/bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py:
# the two configs differ only in `model`, so their work dirs compare side by
# side (tools/analysis/compare_work_dirs.py). No paper number; mmaction
# reports 77.69 top-1 with its own recipe
# (timesformer_divST_8xb8-8x32x1-15e_kinetics400-rgb, 1x3 views).
_base_ = ['../_base_/models/timesformer_divst.py',
          '../_base_/datasets/kinetics400.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']

# the model base's 8 frames of 224px are the dataset's
model = dict(cls_head=dict(num_classes=_base_.num_classes))
