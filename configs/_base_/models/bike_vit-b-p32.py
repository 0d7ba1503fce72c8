# BIKE video branch on CLIP ViT-B/32 (paper Table 6: VCS + 6-layer temporal
# transformer, frozen category encoder), the variant of the released code
# and of its numbers: frame saliency over all 77 context tokens
# (all_tokens) and the video embedding scored unnormalised
# (cosine_score=False). The paper's text (class-name words, cosine scores)
# is `cls_head=dict(all_tokens=False, cosine_score=True)`, with no published
# number (docs/model_zoo.md). Configs set class_names and num_classes from
# their dataset; `pretrained` takes an open_clip tag or a local file.

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
        all_tokens=True,
        cosine_score=False,
        loss_cls=dict(type='DistInfoNCELoss'),
        average_clips='prob'),
    # CLIP's normalisation, in 0-255 pixel units
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.501, 66.632, 70.323],
        format_shape='NCHW'))
