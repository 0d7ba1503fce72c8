# A plain mmaction baseline on the demo videos (`make compare`): mmaction's
# TSN (as its _base_/models/tsn_r50.py, average consensus over 8 segments)
# on a half-width MobileNetV2 (random init; a ResNet-18 costs 18x the FLOPs
# and takes too long on 2 CPU cores), with mmaction's own pipelines; nothing
# from bike_mm. Runs with mmaction's packaged tools/train.py as well as
# ours.
_base_ = ['../_base_/models/tsn_r50.py', '../_base_/demo_mmaction.py']

model = dict(
    backbone=dict(
        _delete_=True, type='MobileNetV2', pretrained=None,
        widen_factor=0.5),
    cls_head=dict(num_classes={{_base_.num_classes}}, in_channels=1280))
