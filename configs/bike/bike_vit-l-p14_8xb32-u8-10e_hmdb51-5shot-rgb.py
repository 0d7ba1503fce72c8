# Few-shot HMDB-51, 5 videos per class (paper Table 4): 77.7 top-1.
_base_ = ['./bike_vit-l-p14_8xb32-u8-10e_hmdb51-2shot-rgb.py']

train_dataloader = dict(dataset=dict(shots=5))
