# Stage 2 of BIKE on the embedded demo dataset: the attributes branch of the
# tiny CLIP, trained with the video branch of bike_tiny_demo.py loaded and
# frozen; tested with both branches fused (acc/top1) and each alone
# (acc/video_top1, acc/attributes_top1). Steps (docs/attributes.md):
#   python tools/train.py configs/demo/bike_tiny_demo.py   # stage 1
#   for s in train val test; do python tools/generate_attributes.py \
#     data/demo/$s.txt --data-prefix data/demo/videos \
#     --lexicon data/demo/labels.txt --out data/demo/attributes_$s.json \
#     --arch ViT-Tiny-16 --checkpoint work_dirs/bike_tiny_demo/epoch_40.pth
#   done
#   python tools/train.py configs/demo/bike_tiny_demo_attributes.py
_base_ = ['./bike_tiny_demo.py']

attribute_args = dict(
    type='LoadAttributeSentence',
    arch='ViT-Tiny-16',
    topk=5,
    template='This is a video about {}')
pack_inputs = dict(
    type='PackActionInputs', meta_keys=('img_shape', 'attribute_tokens'))
num_frames = {{_base_.num_frames}}
crop_size = {{_base_.crop_size}}

model = dict(
    attributes_head=dict(
        type='AttributesHead',
        num_classes={{_base_.num_classes}},
        in_channels=64,
        # a randomly initialised tiny text tower of its own, trained here
        text_encoder=dict(
            type='OpenCLIPTextEncoder',
            arch='ViT-Tiny-16',
            pretrained=None,
            freeze_text=False),
        projection=True,
        fusion_weight=0.6),
    frozen_branches=('video', ))
load_from = 'work_dirs/bike_tiny_demo/epoch_40.pth'

train_pipeline = [
    dict(attribute_file='data/demo/attributes_train.json', **attribute_args),
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'), pack_inputs
]
val_pipeline = [
    dict(attribute_file='data/demo/attributes_val.json', **attribute_args),
    dict(type='DecordInit'),
    dict(
        type='UniformSample', clip_len=num_frames, num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCHW'), pack_inputs
]
test_pipeline = [
    dict(val_pipeline[0], attribute_file='data/demo/attributes_test.json')
] + val_pipeline[1:]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
val_evaluator = dict(type='BranchAccMetric')
test_evaluator = val_evaluator

max_epochs = 20
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR', eta_min=0, by_epoch=True, begin=1,
        end=max_epochs, convert_to_iter_based=True)
]
