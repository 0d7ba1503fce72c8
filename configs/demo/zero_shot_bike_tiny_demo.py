# The zero-shot protocols (paper Table 5, supplement A.3) on the embedded
# demo dataset: a checkpoint of the tiny demo model tested on the demo test
# set with full-classes accuracy and 10 random halves (4 of the 8 classes)
# scored among their own classes only:
#   python tools/test.py configs/demo/zero_shot_bike_tiny_demo.py \
#       work_dirs/bike_tiny_demo/epoch_40.pth
_base_ = ['./bike_tiny_demo.py']

train_dataloader = None
train_cfg = None
optim_wrapper = None
param_scheduler = None
val_dataloader = None
val_cfg = None
val_evaluator = None
# top-3: a half of the 8 demo classes has only 4
test_evaluator = dict(
    type='ZeroShotMetric', topk=(1, 3), num_repeats=10, seed=0)
