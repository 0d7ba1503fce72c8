# Text4Vis ViT-B/16, 8 frames, K400: the paper's ablation setting (Sec. 4.3)
# with its defaults (text classifier, "a video of a person {}.", T-Trans).
# Paper: 81.5 top-1 single view (Tables 6, 8, 9, A.4), 82.9 with 4x3 views
# (Tables 10, 11). val: single view; test: 4x3 views.
# Training recipe: supplement Table A.3 (AdamW betas 0.9/0.98, lr 5e-5 for
# new modules and 5e-6 for CLIP, wd 0.2, 5 warm-up epochs, cosine, 30 epochs,
# batch 256, RandAugment N=2 M=9).
_base_ = ['../_base_/models/text4vis_vit-b-p16.py',
          '../_base_/datasets/kinetics400.py',
          '../_base_/schedules/bike_adamw_cosine_30e.py']
from bike_mm.datasets import video_pipeline  # noqa: E402

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes))
rand_augment = dict(
    type='TorchVisionWrapper', op='RandAugment', num_ops=2, magnitude=9)
train_dataloader = dict(
    dataset=dict(
        pipeline=video_pipeline(
            num_frames=8, input_size=224, train=True,
            augment_steps=[rand_augment])))
optim_wrapper = dict(optimizer=dict(betas=(0.9, 0.98)))
