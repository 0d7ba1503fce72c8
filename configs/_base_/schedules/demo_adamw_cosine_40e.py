# The demo recipe: the BIKE recipe for a randomly initialised tiny model
# that learns from scratch on CPU: 40 epochs (1 warm-up), a larger lr, and
# the CLIP layers at the same rate as the head.
_base_ = ['./bike_adamw_cosine_30e.py']

max_epochs, warmup_epochs = 40, 1
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(
    optimizer=dict(lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=1.0))))
param_scheduler = [
    dict(_base_.param_scheduler[0], start_factor=0.1, end=warmup_epochs),
    dict(_base_.param_scheduler[1], begin=warmup_epochs, end=max_epochs)
]
randomness = dict(seed=0)
