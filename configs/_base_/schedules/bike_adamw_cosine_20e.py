# BIKE's recipe (supplement Table A.1) for ViT-L: 20 epochs, 5 warm-up.
_base_ = ['./bike_adamw_cosine_30e.py']

max_epochs = 20
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs)
]
