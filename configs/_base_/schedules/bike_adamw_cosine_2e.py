# Few-shot recipe on Kinetics-400 (supplement A.1): Table A.1 with 2 epochs
# (of full-dataset length, see FewShotDataset); the warm-up, 5 epochs in
# Table A.1, is shortened to 1 to fit.
_base_ = ['./bike_adamw_cosine_30e.py']

max_epochs = 2
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
        end=warmup_epochs, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR', eta_min=0, by_epoch=True,
        begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
