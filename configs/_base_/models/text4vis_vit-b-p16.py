# Text4Vis on CLIP ViT-B/16 (paper Sec. 2.2, Eq. 3): frozen classifier of the
# text embeddings of "a video of a person {class}." (Table A.4), 6-layer
# temporal transformer (T-Trans, Table 8), cross-entropy, CLIP's logit scale.
# The recognizer, backbone and normalisation of bike_vit-b-p32.py.
_base_ = ['./bike_vit-b-p32.py']

model = dict(
    prompt_template='a video of a person {}.',
    backbone=dict(arch='ViT-B-16'),
    cls_head=dict(
        _delete_=True,
        type='Text4VisHead',
        num_classes=None,
        in_channels=512,
        classifier='text',
        temporal_layers=6,
        loss_cls=dict(type='CrossEntropyLoss'),
        average_clips='prob'))
