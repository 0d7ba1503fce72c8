# Tiny X-CLIP (randomly initialised ViT-Tiny-16 CLIP with message tokens,
# multi-frame integration transformer, video-specific prompts, mixup/cutmix,
# label smoothing) trained from scratch on the embedded demo dataset on CPU,
# on the same data as bike_tiny_demo.py.
_base_ = ['../_base_/models/xclip_vit-b-p32.py',
          '../_base_/datasets/demo.py',
          '../_base_/schedules/xclip_adamw_cosine_30e.py']

blend = dict(alpha=1.0, num_classes=_base_.num_classes)
model = dict(
    class_names=_base_.label_file,
    backbone=dict(arch='ViT-Tiny-16', pretrained=None),
    cls_head=dict(
        num_classes=_base_.num_classes,
        in_channels=64,
        visual_width=64,
        temporal_heads=None),
    data_preprocessor=dict(
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(blend, type='MixupBlending', alpha=0.8),
                dict(blend, type='CutmixBlending')
            ])))

# A random-init tiny model learns from scratch: a larger lr, the same for
# every layer, and a learnable logit scale.
max_epochs, warmup_epochs = 40, 1
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(
    optimizer=dict(lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(
        custom_keys={
            'backbone.frame_interactions': dict(lr_mult=1.0),
            'cls_head': dict(lr_mult=1.0),
            'backbone.clip.logit_scale': dict(lr_mult=1.0, decay_mult=0.)
        }))
param_scheduler = [
    dict(_base_.param_scheduler[0], start_factor=0.1, end=warmup_epochs),
    dict(_base_.param_scheduler[1], begin=warmup_epochs, end=max_epochs,
         eta_min=0, eta_min_ratio=None)
]
default_hooks = dict(logger=dict(interval=8))
randomness = dict(seed=0)
