# X-CLIP fully-supervised recipe (supplement Table 1): AdamW, betas
# (0.9, 0.98), base lr 8e-6 with 10x for the randomly initialised layers
# (message tokens, integration transformer, prompt generator), weight decay
# 0.001 (none on 1-D parameters), 5 linear warm-up epochs from 0 then cosine
# to 1% of the lr, 30 epochs. Learning rates are for the global batch of 256;
# CLIP's logit scale stays fixed, as in the released code.
max_epochs = 30
warmup_epochs = 5
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
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
    dict(
        type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
        end=warmup_epochs, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR', eta_min_ratio=0.01, by_epoch=True,
        begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]

auto_scale_lr = dict(enable=False, base_batch_size=256)
