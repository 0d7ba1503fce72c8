# Text4Vis ViT-B/16 with a frozen random orthogonal classifier (Eq. 5, QR).
# Paper Table 6: 59.4 top-1 single view.
_base_ = ['./text4vis_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py']

model = dict(cls_head=dict(classifier='orthogonal'))
randomness = dict(seed=0)  # the classifier is drawn at build time
