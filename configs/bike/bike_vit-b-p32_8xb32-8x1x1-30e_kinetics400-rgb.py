# Paper Table 6i (ViT-B/32, video branch V): 78.9 top-1 single view (1x1,
# val); 80.2 with multiple views (4x3, test).
# Recipe: supplement Table A.1 (30 epochs).
_base_ = [
    '../_base_/models/bike_vit-b-p32.py',
    '../_base_/datasets/kinetics400_video_u8_224.py',
    '../_base_/schedules/bike_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    cls_head=dict(num_classes={{_base_.num_classes}}))
