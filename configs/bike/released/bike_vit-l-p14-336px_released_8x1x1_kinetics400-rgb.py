# BIKE video branch of the released code (github.com/whwu95/BIKE),
# ViT-L-14-336, converted with tools/convert_released_checkpoint.py
# (docs/inference.md).
# Released checkpoint: ViT-L/14-336 8 frames (OneDrive, README model zoo)
# Released Kinetics-400 top-1 (%): 88.3 with 4x3 views (README); 87.2 single
# view (exps/k400/ViT-L/14-336px/8f/log.txt).
# The released forward is reproduced exactly
# (tests/test_released_checkpoint.py): frame saliency averaged over all 77
# context tokens (all_tokens) and the aggregated video scored without re-
# normalisation (cosine_score=False), after a 6-layer temporal transformer.
# Test: the pipeline's 4 clips x 3 crops; val: 1 clip x 1 crop.
_base_ = [
    '../../_base_/models/bike_vit-b-p32.py',
    '../../_base_/datasets/kinetics400_video_u8_336.py',
    '../../_base_/schedules/bike_adamw_cosine_30e.py',
    '../../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    # every weight comes from the converted checkpoint
    backbone=dict(arch='ViT-L-14-336', pretrained=None),
    cls_head=dict(
        num_classes={{_base_.num_classes}},
        in_channels=768,
        temporal_layers=6,
        all_tokens=True,
        cosine_score=False))
