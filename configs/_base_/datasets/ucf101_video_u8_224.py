# ucf101_video_u8_224: UCF-101 with 8-frame, 224px video pipelines
_base_ = ['./ucf101.py', './pipelines/video_u8_224.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline}}))
