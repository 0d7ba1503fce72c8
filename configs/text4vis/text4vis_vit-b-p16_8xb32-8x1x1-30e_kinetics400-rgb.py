# Text4Vis ViT-B/16, 8 frames, K400: the paper's ablation setting (Sec. 4.3)
# with its defaults (text classifier, "a video of a person {}.", T-Trans).
# Paper: 81.5 top-1 single view (Tables 6, 8, 9, A.4), 82.9 with 4x3 views
# (Tables 10, 11). val: single view; test: 4x3 views.
# Training recipe: supplement Table A.3 (AdamW betas 0.9/0.98, lr 5e-5 for
# new modules and 5e-6 for CLIP, wd 0.2, 5 warm-up epochs, cosine, 30 epochs,
# batch 256, RandAugment N=2 M=9).
_base_ = [
    '../_base_/models/text4vis_vit-b-p16.py',
    '../_base_/datasets/kinetics400_video_u8_224.py',
    '../_base_/schedules/bike_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    cls_head=dict(num_classes={{_base_.num_classes}}))

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len={{_base_.num_frames}}, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(
        type='Resize',
        scale=({{_base_.crop_size}}, {{_base_.crop_size}}),
        keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='TorchVisionWrapper', op='RandAugment', num_ops=2, magnitude=9),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(optimizer=dict(betas=(0.9, 0.98)))
