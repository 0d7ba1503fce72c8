# activitynet_video_u16_336: ActivityNet v1.3 with 16-frame, 336px video pipelines
_base_ = ['./activitynet.py', './pipelines/video_u16_336.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline}}))
