# BIKE video branch on CLIP ViT-L/14 (768-d embeddings, supplement Table A.2).
_base_ = ['./bike_vit-b-p32.py']

model = dict(backbone=dict(arch='ViT-L-14'), cls_head=dict(in_channels=768))
