# Data, schedule and runtime of PLAIN mmaction configs on the embedded demo
# videos (tools/generate_demo_dataset.py): mmaction's own VideoDataset,
# evaluator and runtime (as mmaction's _base_/default_runtime.py), nothing
# from bike_mm, no `mmaction::` base (mmengine 0.10 resolves those with
# pkg_resources, which setuptools >= 81 no longer ships). Configs add the
# model, and a 3D model its own sampling and input format.
default_scope = 'mmaction'
dataset_type = 'VideoDataset'
data_root = 'data/demo/videos'
ann_file_train = 'data/demo/train.txt'
ann_file_val = 'data/demo/val.txt'
ann_file_test = 'data/demo/test.txt'
num_classes = 8

# TSN-style: 8 segments of one frame each, 64x64 crops, frames stacked
# (NCHW); a 3D model swaps the sampler and the format
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(64, 64), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='CenterCrop', crop_size=64),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
loader = dict(batch_size=8, num_workers=2, persistent_workers=True)
train_dataloader = dict(
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'], ann_file=ann_file_test))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# from scratch on 128 videos: AdamW, warm-up then cosine, as bike_tiny_demo
max_epochs = 40
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0, by_epoch=True, begin=1,
         end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=8, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=5, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
