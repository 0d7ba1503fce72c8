# X-CLIP-B/32 (ECCV'22; supplement Sec. 1.1): CLIP ViT-B/32 blocks with
# cross-frame message tokens (cross-frame communication transformer), a
# 1-layer 8-head multi-frame integration transformer, a 2-block video-specific
# prompt generator on the frozen text embeddings of the class names (the
# released code prompts with the bare name), cross-entropy with label
# smoothing 0.1 (Table 1). Dataset configs set num_classes, class_names and
# the mixup (0.8) / cutmix (1.0) blending, which needs num_classes.

model = dict(
    type='BIKERecognizer',
    num_frames=8,
    class_names=None,
    prompt_template='{}',
    backbone=dict(
        type='CrossFrameOpenCLIP',
        arch='ViT-B-32',
        pretrained='openai',
        quick_gelu=True,
        freeze_text=True,
        freeze_vision=False,
        grad_checkpointing=False,
        frame_interaction=dict(type='CrossFrameMessage')),
    cls_head=dict(
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
        average_clips='prob'),
    # CLIP's normalisation, in 0-255 pixel units
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.501, 66.632, 70.323],
        format_shape='NCHW'))
