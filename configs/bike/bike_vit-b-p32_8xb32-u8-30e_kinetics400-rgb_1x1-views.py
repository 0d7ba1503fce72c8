# bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb tested with a single view (1
# clip x center crop), the protocol of paper Table 6: 78.9 top-1.
_base_ = ['./bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py']

test_dataloader = dict(batch_size=16, dataset=_base_.val_dataloader.dataset)
