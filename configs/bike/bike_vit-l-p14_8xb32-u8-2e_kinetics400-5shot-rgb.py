# Few-shot Kinetics-400, 5 videos per class (paper Table 4): 78.2 top-1.
_base_ = ['./bike_vit-l-p14_8xb32-u8-2e_kinetics400-2shot-rgb.py']

train_dataloader = dict(dataset=dict(shots=5))
