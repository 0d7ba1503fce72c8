# Exponential moving average of the weights (mmengine's EMAHook), a switch
# for any config: add this file to `_base_` and the hook to the config's
# hooks,
#   _base_ = [..., '../_base_/ema.py']
#   custom_hooks = _base_.custom_hooks + [_base_.ema_hook]
# (a config's `custom_hooks` replaces its bases' list, so it is restated).
# The hook averages every iteration, theta_ema = (1 - momentum) * theta_ema
# + momentum * theta, validates with the averaged weights and saves them as
# the checkpoint's `state_dict` (the raw weights go to `ema_state_dict`), so
# tools/test.py, tools/infer.py and the ONNX export use the averaged weights,
# with this config or without it. Started from the pre-trained
# CLIP, the average keeps the fine-tuned model nearer to it, which keeps more
# of its zero-shot accuracy (docs/robust_finetuning.md). momentum = 1e-3
# averages over about the last 1000 iterations (a few epochs of a
# Kinetics-400 run at batch 256); short runs need a larger one.
ema_hook = dict(
    type='EMAHook',
    ema_type='ExponentialMovingAverage',
    momentum=1e-3,
    update_buffers=True,
    priority='ABOVE_NORMAL')
