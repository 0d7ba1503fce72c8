# mmaction's TimeSformer (divided space-time) on exactly the data, views and
# schedule of configs/bike/bike_vit-b-p32_8xb32-8x1x1-30e_kinetics400-rgb.py:
# the two configs differ only in `model`, so their work dirs compare side by
# side (tools/analysis/compare_work_dirs.py). No paper number; mmaction reports
# 77.69 top-1 with its own recipe
# (timesformer_divST_8xb8-8x32x1-15e_kinetics400-rgb, 1x3 views).
_base_ = [
    '../_base_/models/timesformer_divst.py',
    '../_base_/datasets/kinetics400_video_u8_224.py',
    '../_base_/schedules/bike_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(
        num_frames={{_base_.num_frames}}, img_size={{_base_.crop_size}}),
    cls_head=dict(num_classes={{_base_.num_classes}}),
    data_preprocessor=dict(clip_len={{_base_.num_frames}}))
