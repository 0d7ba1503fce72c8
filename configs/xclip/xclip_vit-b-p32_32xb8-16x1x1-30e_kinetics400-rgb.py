# X-CLIP-B/32, 16 frames, K400. Released model zoo: 81.1 top-1 / 95.5 top-5
# with 4x3 views.
_base_ = [
    '../_base_/models/xclip_vit-b-p32.py',
    '../_base_/datasets/kinetics400_video_u16_224.py',
    '../_base_/schedules/xclip_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    cls_head=dict(num_classes={{_base_.num_classes}}),
    data_preprocessor=dict(
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(
                    type='MixupBlending',
                    alpha=0.8,
                    num_classes={{_base_.num_classes}}),
                dict(
                    type='CutmixBlending',
                    alpha=1.0,
                    num_classes={{_base_.num_classes}})
            ])))
train_dataloader = dict(batch_size=8)
