# bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb tested with a single view:
# 86.4 top-1 (paper Table 6i).
_base_ = ['./bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py']

test_dataloader = dict(batch_size=16, dataset=_base_.val_dataloader.dataset)
