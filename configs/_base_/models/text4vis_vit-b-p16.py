# Text4Vis on CLIP ViT-B/16 (paper Sec. 2.2, Eq. 3): frozen classifier of the
# text embeddings of "a video of a person {class}." (Table A.4), 6-layer
# temporal transformer (T-Trans, Table 8), cross-entropy, CLIP's logit scale.
# Datasets set num_classes and class_names; `pretrained` takes an open_clip
# tag or a local file.

model = dict(
    type='BIKERecognizer',
    num_frames=8,
    class_names=None,
    prompt_template='a video of a person {}.',
    backbone=dict(
        type='OpenCLIP',
        arch='ViT-B-16',
        pretrained='openai',
        quick_gelu=True,
        freeze_text=True,
        freeze_vision=False,
        grad_checkpointing=False),
    cls_head=dict(
        type='Text4VisHead',
        num_classes=None,
        in_channels=512,
        classifier='text',
        temporal_layers=6,
        loss_cls=dict(type='CrossEntropyLoss'),
        average_clips='prob'),
    # CLIP's normalisation, in 0-255 pixel units
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.501, 66.632, 70.323],
        format_shape='NCHW'))
