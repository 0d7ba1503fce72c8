# kinetics600_zero_shot_video_u8_224: Kinetics-600 zero-shot split 1, 8 frames,
# 224px
_base_ = ['./kinetics600_zero_shot.py', './pipelines/video_u8_224.py']
# zero-shot tests take a single view (1 clip x center crop)
test_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
