# BIKE video branch of the released code (github.com/whwu95/BIKE), converted
# with tools/convert_released_checkpoint.py (docs/inference.md): the model,
# data and views of bike_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py
# (released variant: frame saliency over all 77 context tokens, video
# embedding scored unnormalised, 6-layer temporal transformer), every
# weight from the converted checkpoint. The released forward is reproduced
# exactly (tests/checkpoints/test_released.py).
# Released checkpoint: k400-vit-b-16-f8.pt (GitHub release v1.0)
# Released Kinetics-400 top-1 (%): 84.0 with 4x3 views (README); 82.9 single
# view (training log exps/k400/ViT-B/16/8f/log.txt).
_base_ = ['../bike_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py']

model = dict(backbone=dict(pretrained=None))
