# BIKE video branch on CLIP ViT-B/16 (supplement Table A.2).
_base_ = ['./bike_vit-b-p32.py']

model = dict(backbone=dict(arch='ViT-B-16'))
