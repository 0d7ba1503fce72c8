# BIKE video branch of the released code (github.com/whwu95/BIKE), converted
# with tools/convert_released_checkpoint.py (docs/inference.md): the model,
# data and views of bike_vit-l-p14-336_8xb8-u16-20e_kinetics400-rgb.py
# (released variant: frame saliency over all 77 context tokens, video
# embedding scored unnormalised, 6-layer temporal transformer), every
# weight from the converted checkpoint. The released forward is reproduced
# exactly (tests/checkpoints/test_released.py).
# Released checkpoint: ViT-L/14-336 16 frames (OneDrive, README model zoo)
# Released Kinetics-400 top-1 (%): 88.7 with 4x3 views (README); 87.9 single
# view (exps/k400/ViT-L/14-336px/16f/log.txt).
_base_ = ['../bike_vit-l-p14-336_8xb8-u16-20e_kinetics400-rgb.py']

model = dict(backbone=dict(pretrained=None))
