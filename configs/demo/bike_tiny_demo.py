# Tiny BIKE (randomly initialised ViT-Tiny-16 CLIP, VCS head) trained from
# scratch on the embedded demo dataset on CPU: `make demo`.
_base_ = [
    '../_base_/models/bike_vit-b-p32.py',
    '../_base_/datasets/demo_bike_8x1x1.py',
    '../_base_/schedules/bike_adamw_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    num_frames={{_base_.num_frames}},
    class_names={{_base_.label_file}},
    # activations of the tiny model are small: no recomputation
    backbone=dict(
        arch='ViT-Tiny-16', pretrained=None, grad_checkpointing=False),
    cls_head=dict(
        num_classes={{_base_.num_classes}},
        in_channels=64,
        temporal_layers=1))

# A random-init tiny model learns from scratch: a larger lr, and the CLIP
# layers at the same rate as the head.
max_epochs = 40
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(
    optimizer=dict(lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=1.0))))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
        end=warmup_epochs, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR', eta_min=0, by_epoch=True,
        begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(logger=dict(interval=8))
randomness = dict(seed=0)
