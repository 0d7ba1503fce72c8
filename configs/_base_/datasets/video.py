# What every video dataset shares: its dataloaders and the pipelines of the
# released BIKE protocol (bike_mm.datasets.video_pipeline) for 8 frames of
# 224px: training; single view for validation (1 clip x center crop of the
# frames at short side 256, paper Table 6); 4 clips x 3 full-resolution
# crops for testing (paper Table 1). Dataset configs add their files;
# configs with other frames, input sizes or views call `video_dataloaders`
# again (docs/evaluation.md). The import follows `_base_`: mmengine then
# reads this as a `_base_` config.
_base_ = ['../default_runtime.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

# Data loading (measured in BENCHMARKS.md, issue #16): one decord thread per
# video reader and 8 persistent workers per GPU. Workers, not decoding
# threads, keep the cores busy: decord's automatic threads (0) cost more CPU
# time per clip, so with every core taken by a worker they lower the
# throughput. One CPU core gives ~33 clips/s of 8 frames from a 272p H.264
# video (Kinetics-like), ~125 from its frame folder, ~1.6 from a 1080p one;
# if IterTimerHook's data_time grows, raise num_workers or use frames.
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames=8, input_size=224, decord_threads=1)
train_dataloader.update(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader.update(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader.update(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
