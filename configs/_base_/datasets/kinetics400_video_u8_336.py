# kinetics400_video_u8_336: Kinetics-400 with 8-frame, 336px video pipelines
_base_ = ['./kinetics400.py', './pipelines/video_u8_336.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline}}))
