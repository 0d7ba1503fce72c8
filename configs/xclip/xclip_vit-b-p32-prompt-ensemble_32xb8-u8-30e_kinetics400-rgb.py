# X-CLIP's prompt-ensemble baseline (main paper Table 9, supplement Sec. 2.2):
# X-CLIP-B/32 without the video-specific prompt generator; the class names are
# prompted with the 16 hand-made templates, a random one per training
# iteration, their embeddings averaged at test (BIKERecognizer's prompt
# ensembling). Compare with
# xclip_vit-b-p32_32xb8-u8-30e_kinetics400-rgb.py (video-specific prompts).
_base_ = ['./xclip_vit-b-p32_32xb8-u8-30e_kinetics400-rgb.py']

model = dict(
    prompt_template=[
        'a photo of action {}', 'a picture of action {}',
        'Human action of {}', '{}, an action', '{}, this is an action',
        '{}, a video of action', 'Playing action of {}', '{}',
        'Playing a kind of action, {}', 'Doing a kind of action, {}',
        'Look, the human is {}', 'Can you recognize the action of {}',
        'Video classification of {}', 'A video of {}', 'The man is {}',
        'The woman is {}'
    ],
    backbone=dict(patch_tokens=False),
    cls_head=dict(
        _delete_=True,
        type='Text4VisHead',
        num_classes=_base_.num_classes,
        in_channels=512,
        temporal_layers=1,
        temporal_heads=8,
        label_smooth_eps=0.1,
        loss_cls=dict(type='CrossEntropyLoss'),
        average_clips='prob'))
