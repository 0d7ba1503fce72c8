# X-CLIP-B/16, 8 frames, K400. Released model zoo: 83.8 top-1 / 95.7 top-5
# with 4x3 views.
_base_ = ['./xclip_vit-b-p32_32xb8-u8-30e_kinetics400-rgb.py']

model = dict(backbone=dict(arch='ViT-B-16'))
