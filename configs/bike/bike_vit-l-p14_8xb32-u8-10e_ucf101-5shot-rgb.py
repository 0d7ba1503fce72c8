# Few-shot UCF-101, 5 videos per class (paper Table 4): 96.5 top-1.
_base_ = ['./bike_vit-l-p14_8xb32-u8-10e_ucf101-2shot-rgb.py']

train_dataloader = dict(dataset=dict(shots=5))
