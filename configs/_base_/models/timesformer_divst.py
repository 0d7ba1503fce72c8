# mmaction's TimeSformer (divided space-time attention, ImageNet-21K ViT-B/16
# weights), as in mmaction's timesformer_divST_8xb8-8x32x1-15e_kinetics400
# config. FramesToClipsPreprocessor turns BIKE's frame-stacked batches into
# its NCTHW clips; configs set `num_frames` and `clip_len` to the dataset's.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='TimeSformer',
        pretrained=  # noqa: E251
        'https://download.openmmlab.com/mmaction/recognition/timesformer/vit_base_patch16_224.pth',  # noqa: E501
        num_frames=8,
        img_size=224,
        patch_size=16,
        embed_dims=768,
        in_channels=3,
        dropout_ratio=0.,
        transformer_layers=None,
        attention_type='divided_space_time',
        norm_cfg=dict(type='LN', eps=1e-6)),
    cls_head=dict(
        type='TimeSformerHead',
        num_classes=400,
        in_channels=768,
        average_clips='prob'),
    data_preprocessor=dict(
        type='FramesToClipsPreprocessor',
        clip_len=8,
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5]))
