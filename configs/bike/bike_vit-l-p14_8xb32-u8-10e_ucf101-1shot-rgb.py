# Few-shot UCF-101, 1 video per class (paper Table 4): 95.2 top-1.
_base_ = ['./bike_vit-l-p14_8xb32-u8-10e_ucf101-2shot-rgb.py']

train_dataloader = dict(dataset=dict(shots=1))
