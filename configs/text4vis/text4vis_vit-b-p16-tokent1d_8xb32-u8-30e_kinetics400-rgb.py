# Text4Vis ViT-B/16 with TokenT1D: a temporal 1D convolution of the [class]
# tokens in every CLIP block (initialised as a temporal shift, as released),
# then TAP. Paper Table 8: 80.4 top-1 single view.
_base_ = ['./text4vis_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py']

model = dict(
    backbone=dict(
        type='CrossFrameOpenCLIP', frame_interaction=dict(type='TokenT1D')),
    cls_head=dict(temporal_layers=0))
# the convolutions are new layers: the head's lr, not CLIP's
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={'backbone.frame_interactions': dict(lr_mult=1.0)}))
