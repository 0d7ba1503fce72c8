# Every bike_mm config imports the plugin, so plain MMEngine tools (ours or
# mmaction's packaged ones) find its registered components.
custom_imports = dict(imports=['bike_mm'], allow_failed_imports=False)
default_scope = 'mmaction'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook confined to the work dir, atomic writes
    # (docs/checkpoints.md)
    checkpoint=dict(
        type='WorkDirCheckpointHook', interval=1, save_best='auto',
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))
# exact resume (random states per epoch and in checkpoints); model, data and
# checkpoint checked to agree when the runner starts.
# BIKERecognizer: category embeddings cached in work_dir/category_cache
# (reused by restarts and by every rank), frozen text tower moved off the
# accelerator once they are computed. With the sharded optimizer
# (optim_wrapper.optimizer.type='ShardedOptimizer', docs/distributed.md) its
# state is gathered for checkpoints; otherwise that hook does nothing.
custom_hooks = [
    dict(type='ExactResumeHook'),
    dict(type='RunConsistencyHook', allow_class_mismatch=False),
    dict(type='CategoryCacheHook'),
    dict(type='ConsolidateShardedOptimizerHook')
]

# On a machine without GPUs bike_mm switches the pytorch launcher to gloo.
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
