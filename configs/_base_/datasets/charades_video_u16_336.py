# charades_video_u16_336: Charades with 16-frame, 336px video pipelines
_base_ = ['./charades.py', './pipelines/video_u16_336.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline}}))
