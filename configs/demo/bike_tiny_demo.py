# Tiny BIKE (randomly initialised ViT-Tiny-16 CLIP, VCS head of the released
# variant) trained from scratch on the embedded demo dataset on CPU:
# `make demo`.
_base_ = ['../_base_/models/bike_vit-b-p32.py',
          '../_base_/datasets/demo.py',
          '../_base_/schedules/demo_adamw_cosine_40e.py']

model = dict(
    class_names=_base_.label_file,
    # activations of the tiny model are small: no recomputation
    backbone=dict(
        arch='ViT-Tiny-16', pretrained=None, grad_checkpointing=False),
    cls_head=dict(
        num_classes=_base_.num_classes, in_channels=64, temporal_layers=1))
default_hooks = dict(logger=dict(interval=8))
