# X-CLIP-B/32 (ECCV'22; supplement Sec. 1.1): CLIP ViT-B/32 blocks with
# cross-frame message tokens (cross-frame communication transformer), a
# 1-layer 8-head multi-frame integration transformer, a 2-block video-specific
# prompt generator on the frozen text embeddings of the class names (the
# released code prompts with the bare name), cross-entropy with label
# smoothing 0.1 (Table 1). The recognizer and normalisation of
# bike_vit-b-p32.py. Configs set num_classes, class_names and the mixup
# (0.8) / cutmix (1.0) blending, which needs num_classes.
_base_ = ['./bike_vit-b-p32.py']

model = dict(
    prompt_template='{}',
    backbone=dict(
        type='CrossFrameOpenCLIP',
        frame_interaction=dict(type='CrossFrameMessage'),
        patch_tokens=True),
    cls_head=dict(
        _delete_=True,
        type='XCLIPHead',
        num_classes=None,
        in_channels=512,
        visual_width=768,
        temporal_layers=1,
        temporal_heads=8,
        prompt_layers=2,
        prompt_alpha=0.1,
        label_smooth_eps=0.1,
        loss_cls=dict(type='CrossEntropyLoss'),
        average_clips='prob'))
