# BIKE video branch on CLIP ViT-B/32 (paper Table 6: VCS + 6-layer temporal
# transformer, frozen category encoder). Datasets set num_classes and
# class_names; `pretrained` takes an open_clip tag or a local file.

model = dict(
    type='BIKERecognizer',
    num_frames=8,
    class_names=None,
    prompt_template='This is a video about {}',
    backbone=dict(
        type='OpenCLIP',
        arch='ViT-B-32',
        pretrained='openai',
        quick_gelu=True,
        freeze_text=True,
        freeze_vision=False,
        # recompute each CLIP block in the backward pass, as the released
        # code does: 2.4x less step memory for 20-40% more step time (CPU);
        # set False where memory is plentiful (docs/distributed.md)
        grad_checkpointing=True),
    cls_head=dict(
        type='VCSHead',
        num_classes=None,
        in_channels=512,
        aggregation='vcs',
        temporal_layers=6,
        loss_cls=dict(type='DistInfoNCELoss'),
        average_clips='prob'),
    # CLIP's normalisation, in 0-255 pixel units
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.501, 66.632, 70.323],
        format_shape='NCHW'))
