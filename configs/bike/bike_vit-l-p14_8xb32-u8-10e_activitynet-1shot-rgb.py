# Few-shot ActivityNet, 1 video per class (paper Table 4): 86.6 top-1.
_base_ = ['./bike_vit-l-p14_8xb32-u8-10e_activitynet-2shot-rgb.py']

train_dataloader = dict(dataset=dict(shots=1))
