# BIKE training recipe (supplement Table A.1): AdamW, lr 5e-5 for new modules
# and 5e-6 for CLIP layers, weight decay 0.2, betas (0.9, 0.999), 5 linear
# warm-up epochs then cosine; 30 epochs for ViT-B (20 for ViT-L).
# Learning rates are for the paper's global batch of 256.
max_epochs = 30
warmup_epochs = 5
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    # fused=True falls back to the default AdamW, with a line in the log,
    # where torch has no fused kernel for the device (CPU before torch 2.4)
    constructor='FusedFallbackOptimWrapperConstructor',
    optimizer=dict(
        type='AdamW', lr=5e-5, betas=(0.9, 0.999), weight_decay=0.2,
        # one fused kernel for all parameters (CPU and GPU in torch >= 2.4):
        # the same update, ~5x faster than the per-tensor loop on CPU
        fused=True),
    # CLIP layers (the backbone) learn 10x slower than the new modules
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))),
    clip_grad=None)

param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
        end=warmup_epochs, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR', eta_min=0, by_epoch=True,
        begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]

auto_scale_lr = dict(enable=False, base_batch_size=256)
