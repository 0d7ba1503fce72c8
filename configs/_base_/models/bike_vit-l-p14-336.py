# BIKE video branch on CLIP ViT-L/14 at 336px (supplement Table A.2).
_base_ = ['./bike_vit-l-p14.py']

model = dict(backbone=dict(arch='ViT-L-14-336'))
