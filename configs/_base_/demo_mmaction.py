# Data, schedule and runtime of PLAIN mmaction configs on the embedded demo
# videos (tools/generate_demo_dataset.py): mmaction's own VideoDataset,
# evaluator and runtime (as mmaction's _base_/default_runtime.py), nothing
# from bike_mm, no `mmaction::` base (mmengine 0.10 resolves those with
# pkg_resources, which setuptools >= 81 no longer ships). Configs set
# train/val/test_pipeline and bind them with
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline)), ...
default_scope = 'mmaction'
dataset_type = 'VideoDataset'
data_root = 'data/demo/videos'
ann_file_train = 'data/demo/train.txt'
ann_file_val = 'data/demo/val.txt'
ann_file_test = 'data/demo/test.txt'
num_classes = 8

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root)))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        test_mode=True))
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
