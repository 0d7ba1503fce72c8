# X-CLIP fully-supervised recipe (supplement Table 1): AdamW, betas
# (0.9, 0.98), base lr 8e-6 with 10x for the randomly initialised layers
# (message tokens, integration transformer, prompt generator), weight decay
# 0.001 (none on 1-D parameters), 5 linear warm-up epochs from 0 then cosine
# to 1% of the lr, 30 epochs (the loops of bike_adamw_cosine_30e.py).
# Learning rates are for the global batch of 256; CLIP's logit scale stays
# fixed, as in the released code.
_base_ = ['./bike_adamw_cosine_30e.py']

optim_wrapper = dict(
    _delete_=True,
    constructor='FusedFallbackOptimWrapperConstructor',
    optimizer=dict(
        type='AdamW', lr=8e-6, betas=(0.9, 0.98), eps=1e-8,
        weight_decay=0.001, fused=True),  # see bike_adamw_cosine_30e.py
    paramwise_cfg=dict(
        flat_decay_mult=0.,
        custom_keys={
            'backbone.frame_interactions': dict(lr_mult=10.),
            'cls_head': dict(lr_mult=10.),
            'backbone.clip.logit_scale': dict(lr_mult=0., decay_mult=0.)
        }),
    clip_grad=None)
param_scheduler = [
    dict(_base_.param_scheduler[0], start_factor=1e-3),
    dict(_base_.param_scheduler[1], eta_min=None, eta_min_ratio=0.01)
]
