# Few-shot recipe on Kinetics-400 (supplement A.1): Table A.1 with 2 epochs
# (of full-dataset length, see FewShotDataset); the warm-up, 5 epochs in
# Table A.1, is shortened to 1 to fit.
_base_ = ['./bike_adamw_cosine_30e.py']

max_epochs, warmup_epochs = 2, 1
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_epochs),
    dict(_base_.param_scheduler[1], begin=warmup_epochs, end=max_epochs)
]
