# BIKE video branch of the released code (github.com/whwu95/BIKE), converted
# with tools/convert_released_checkpoint.py (docs/inference.md): the model,
# data and views of bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py
# (released variant: frame saliency over all 77 context tokens, video
# embedding scored unnormalised, 6-layer temporal transformer), every
# weight from the converted checkpoint. The released forward is reproduced
# exactly (tests/checkpoints/test_released.py).
# Released checkpoint: k400-vit-l-14-f8.pt (OneDrive, README model zoo)
# Released Kinetics-400 top-1 (%): 87.4 with 4x3 views (README); 86.4 single
# view (exps/k400/ViT-L/14/8f/log.txt).
_base_ = ['../bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py']

model = dict(backbone=dict(pretrained=None))
