# Few-shot ActivityNet, 5 videos per class (paper Table 4): 90.9 top-1.
_base_ = ['./bike_vit-l-p14_8xb32-u8-10e_activitynet-2shot-rgb.py']

train_dataloader = dict(dataset=dict(shots=5))
