# A plain mmaction baseline on the demo videos (`make compare`): mmaction's
# TSN (as its _base_/models/tsn_r50.py, average consensus over 8 segments)
# on a half-width MobileNetV2 (random init; a ResNet-18 costs 18x the FLOPs
# and takes too long on 2 CPU cores), with mmaction's own pipelines; nothing
# from bike_mm. Runs with mmaction's packaged tools/train.py as well as
# ours.
_base_ = ['../_base_/demo_mmaction.py']

model = dict(
    type='Recognizer2D',
    backbone=dict(type='MobileNetV2', pretrained=None, widen_factor=0.5),
    cls_head=dict(
        type='TSNHead',
        num_classes={{_base_.num_classes}},
        in_channels=1280,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.4,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
