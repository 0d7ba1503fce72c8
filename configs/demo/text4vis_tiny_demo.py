# Tiny Text4Vis (randomly initialised ViT-Tiny-16 CLIP, frozen text
# classifier, 1-layer T-Trans) trained from scratch on the embedded demo
# dataset on CPU, on the same data and schedule as bike_tiny_demo.py.
_base_ = ['../_base_/models/text4vis_vit-b-p16.py',
          '../_base_/datasets/demo.py',
          '../_base_/schedules/demo_adamw_cosine_40e.py']

model = dict(
    class_names=_base_.label_file,
    backbone=dict(arch='ViT-Tiny-16', pretrained=None),
    cls_head=dict(
        num_classes=_base_.num_classes, in_channels=64, temporal_layers=1))
optim_wrapper = dict(optimizer=dict(betas=(0.9, 0.98)))
default_hooks = dict(logger=dict(interval=8))
