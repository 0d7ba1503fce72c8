# Text4Vis ViT-B/16 with temporal average pooling (TAP) instead of T-Trans.
# Paper Table 8: 80.1 top-1 single view.
_base_ = ['./text4vis_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py']

model = dict(cls_head=dict(temporal_layers=0))
