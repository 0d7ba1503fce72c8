# A plain mmaction 3D baseline on the demo videos (`make compare`):
# mmaction's TimeSformer (divided space-time attention), shrunk to BIKE's
# demo size (width 64, 2 layers, 16x16 patches of 64x64 crops, random init),
# on 8-frame clips (SampleFrames 8x4x1) with mmaction's own pipelines;
# nothing from bike_mm.
_base_ = ['../_base_/models/timesformer_divst.py',
          '../_base_/demo_mmaction.py']

model = dict(
    backbone=dict(
        pretrained=None, img_size=64, embed_dims=64, num_heads=4,
        num_transformer_layers=2),
    cls_head=dict(num_classes={{_base_.num_classes}}, in_channels=64),
    data_preprocessor=dict(
        _delete_=True,
        type='ActionDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        format_shape='NCTHW'))

# the base's pipelines, with one 8-frame clip (frame interval 4) in NCTHW
clip = dict(type='SampleFrames', clip_len=8, frame_interval=4, num_clips=1)
shape = dict(type='FormatShape', input_format='NCTHW')
train_pipeline, val_pipeline = [[
    dict(clip, test_mode=step.get('test_mode', False))
    if step['type'] == 'SampleFrames' else
    shape if step['type'] == 'FormatShape' else step for step in pipeline
] for pipeline in (_base_.train_pipeline, _base_.val_pipeline)]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
