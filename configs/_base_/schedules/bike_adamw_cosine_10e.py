# Few-shot recipe on HMDB-51, UCF-101 and ActivityNet (supplement A.1): Table
# A.1 with 10 epochs (of full-dataset length, see FewShotDataset).
_base_ = ['./bike_adamw_cosine_30e.py']

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs)
]
