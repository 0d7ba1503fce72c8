# BIKE with both branches on CLIP ViT-B/32 (paper Fig. 2a): the video branch
# of bike_vit-b-p32.py plus the attributes branch (Sec. 2.2): attribute
# sentences encoded by their own, trainable CLIP ViT-B/32 text encoder
# (supplement A.2), scored against the frozen category encoder's class
# embeddings, with the released code's query/sentence projections. Test-time
# fusion S = 0.6 S_V + 0.4 S_A (supplement A.2: 0.6 for ViT-B, 0.8 for
# ViT-L). Datasets add LoadAttributeSentence to their pipelines.
_base_ = ['./bike_vit-b-p32.py']

model = dict(
    attributes_head=dict(
        type='AttributesHead',
        num_classes=None,
        in_channels=512,
        text_encoder=dict(
            type='OpenCLIPTextEncoder',
            arch='ViT-B-32',
            pretrained='openai',
            quick_gelu=True,
            freeze_text=False),
        projection=True,
        fusion_weight=0.6,
        loss_cls=dict(type='DistInfoNCELoss'),
        average_clips='prob'))
