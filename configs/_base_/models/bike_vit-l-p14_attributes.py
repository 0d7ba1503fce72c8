# BIKE with both branches, the paper's large setting (supplement A.2): the
# ViT-L/14 video branch (as bike_vit-l-p14.py) and the attributes branch of
# bike_vit-b-p32_attributes.py, whose ViT-B/32 attribute encoder embeds in
# 512 dimensions, not ViT-L's 768: the branch scores against class names
# encoded by a frozen ViT-B/32 text encoder of its own (category_encoder).
# Test-time fusion S = 0.8 S_V + 0.2 S_A (Eq. 4, lambda 0.8 for ViT-L).
_base_ = ['./bike_vit-b-p32_attributes.py']

model = dict(
    backbone=dict(arch='ViT-L-14'),
    cls_head=dict(in_channels=768),
    attributes_head=dict(
        category_encoder=dict(
            type='OpenCLIPTextEncoder',
            arch='ViT-B-32',
            pretrained='openai',
            quick_gelu=True,
            freeze_text=True),
        fusion_weight=0.8))
