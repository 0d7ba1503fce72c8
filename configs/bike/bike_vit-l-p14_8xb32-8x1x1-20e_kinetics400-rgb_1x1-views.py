# bike_vit-l-p14_8xb32-8x1x1-20e_kinetics400-rgb tested with a single view (1 clip x
# center crop), the protocol of paper Table 6.
_base_ = ['./bike_vit-l-p14_8xb32-8x1x1-20e_kinetics400-rgb.py']

test_dataloader = dict(
    batch_size=16, dataset=dict(pipeline={{_base_.val_pipeline}}))
