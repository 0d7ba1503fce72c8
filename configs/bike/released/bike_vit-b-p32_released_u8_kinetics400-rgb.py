# BIKE video branch of the released code (github.com/whwu95/BIKE), converted
# with tools/convert_released_checkpoint.py (docs/inference.md): the model,
# data and views of bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py
# (released variant: frame saliency over all 77 context tokens, video
# embedding scored unnormalised, 6-layer temporal transformer), every
# weight from the converted checkpoint. The released forward is reproduced
# exactly (tests/checkpoints/test_released.py).
# Released checkpoint: none for the video branch alone (the released
# ViT-B/32 is the video+attributes model, as fused scores)
# Released Kinetics-400 top-1 (%): 78.9 single view (paper Table 6i, V).
_base_ = ['../bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py']

model = dict(backbone=dict(pretrained=None))
