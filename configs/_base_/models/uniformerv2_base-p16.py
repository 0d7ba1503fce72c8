# mmaction's UniFormerV2-B/16 on CLIP ViT-B/16 weights, as in mmaction's
# uniformerv2-base-p16-res224_clip_8xb32-u8_kinetics400 config.
# FramesToClipsPreprocessor turns BIKE's frame-stacked batches into its NCTHW
# clips; configs set `t_size` and `clip_len` to the dataset's frames.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='UniFormerV2',
        input_resolution=224,
        patch_size=16,
        width=768,
        layers=12,
        heads=12,
        t_size=8,
        dw_reduction=1.5,
        backbone_drop_path_rate=0.,
        temporal_downsample=False,
        no_lmhra=True,
        double_lmhra=True,
        return_list=[8, 9, 10, 11],
        n_layers=4,
        n_dim=768,
        n_head=12,
        mlp_factor=4.,
        drop_path_rate=0.,
        mlp_dropout=[0.5, 0.5, 0.5, 0.5],
        clip_pretrained=True,
        pretrained='ViT-B/16'),
    cls_head=dict(
        type='UniFormerHead',
        dropout_ratio=0.5,
        num_classes=400,
        in_channels=768,
        average_clips='prob'),
    data_preprocessor=dict(
        type='FramesToClipsPreprocessor',
        clip_len=8,
        mean=[114.75, 114.75, 114.75],
        std=[57.375, 57.375, 57.375]))
