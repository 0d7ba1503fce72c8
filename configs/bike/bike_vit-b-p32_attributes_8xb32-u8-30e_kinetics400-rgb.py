# BIKE video + attributes branches, CLIP ViT-B/32, 8 frames, Kinetics-400:
# stage 2 of the paper's schedule (Sec. 3.1: "we first train the video
# encoder and then the attributes encoder"). The video branch (released
# variant) is loaded from the stage-1 checkpoint
# (bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py) and frozen; the
# attributes encoder trains with the BIKE recipe.
# Paper, K400 top-1, single view (Table 6i, 6e): video branch 78.9 -> video +
# attributes 81.4 (attributes branch alone 69.6 trained, 56.6 untrained).
# Released log: exps/k400/ViT-B/32/8f/video_attributes_log.txt (81.47 with
# the released fusion, docs/attributes.md).
# Attributes: docs/attributes.md (tools/generate_attributes.py, ViT-L/14).
_base_ = ['../_base_/models/bike_vit-b-p32_attributes.py',
          '../_base_/datasets/kinetics400_attributes.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']

model = dict(
    class_names=_base_.label_file,
    cls_head=dict(num_classes=_base_.num_classes),
    frozen_branches=('video', ))
load_from = 'work_dirs/bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb/' \
    'epoch_30.pth'

# the attribute encoder is a CLIP layer: 10x slower than the projections
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={
            'backbone': dict(lr_mult=0.1),
            'attributes_head.text_encoder': dict(lr_mult=0.1)
        }))
