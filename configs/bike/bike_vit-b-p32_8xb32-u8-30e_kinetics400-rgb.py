# BIKE video branch, CLIP ViT-B/32, 8 frames, Kinetics-400; the released
# variant (all_tokens, unnormalised scores: _base_/models/bike_vit-b-p32.py)
# with the released sampling and views (docs/evaluation.md).
# Expected top-1: 78.9 single view (1x1, val) and 80.2 with 4x3 views
# (test), paper Table 6i (V, V*). Recipe: supplement Table A.1 (30 epochs).
_base_ = ['../_base_/models/bike_vit-b-p32.py',
          '../_base_/datasets/kinetics400.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes))
