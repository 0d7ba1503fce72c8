# The few-shot protocol (paper Table 4, supplement A.1) on the embedded demo
# dataset: the tiny demo model trained on 2 videos per class, repeated to
# the full training set's 128 samples per epoch.
#   python tools/train.py configs/demo/few_shot_bike_tiny_demo.py
_base_ = ['./bike_tiny_demo.py']

train_dataloader = dict(dataset=dict(
    type='FewShotDataset', shots=2, seed=0, _delete_=True,
    dataset=_base_.train_dataloader.dataset))
