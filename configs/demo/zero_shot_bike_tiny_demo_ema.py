# The zero-shot demo (zero_shot_bike_tiny_demo.py) with an EMA of its weights
# (../_base_/ema.py): validation and tests use the averaged weights.
#   python tools/train.py configs/demo/zero_shot_bike_tiny_demo_ema.py
#   python tools/test.py configs/demo/zero_shot_bike_tiny_demo_ema.py \
#       work_dirs/zero_shot_bike_tiny_demo_ema/epoch_40.pth \
#       --allow-class-mismatch
# The checkpoint's state_dict holds the averaged weights, its ema_state_dict
# the raw ones (tools/analysis/interpolate_weights.py --raw reads those).
_base_ = ['./zero_shot_bike_tiny_demo.py', '../_base_/ema.py']

# the demo runs 10 iterations an epoch: average over about the last 20
custom_hooks = _base_.custom_hooks + [dict(_base_.ema_hook, momentum=0.05)]
