# mmaction's UniFormerV2-B/16 (CLIP weights) on exactly the data, views and
# schedule of configs/bike/bike_vit-b-p32_8xb32-8x1x1-30e_kinetics400-rgb.py:
# the two configs differ only in `model`, so their work dirs compare side by
# side (tools/analysis/compare_work_dirs.py). No paper number; mmaction reports
# 84.3 top-1 with its own recipe
# (uniformerv2-base-p16-res224_clip_8xb32-u8_kinetics400-rgb, 4x3 views).
_base_ = [
    '../_base_/models/uniformerv2_base-p16.py',
    '../_base_/datasets/kinetics400_video_u8_224.py',
    '../_base_/schedules/bike_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(
        t_size={{_base_.num_frames}},
        input_resolution={{_base_.crop_size}}),
    cls_head=dict(num_classes={{_base_.num_classes}}),
    data_preprocessor=dict(clip_len={{_base_.num_frames}}))
