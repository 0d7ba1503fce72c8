# Frame-folder pipelines (mmaction's RawframeDataset layout, frames
# img_00001.jpg, ... read by RawFrameDecode): the video_u8_224.py pipelines
# with DecordInit/DecordDecode replaced by RawFrameDecode, same sampling
# (UniformSample, 8 frames a view), crops and views. Datasets using them:
#   dict(type='RawframeDataset', ann_file=..., data_prefix=dict(img=ROOT),
#        filename_tmpl='img_{:05d}.jpg')
# with annotation lines "frame_dir total_frames label"
num_frames = 8
crop_size = 224

train_pipeline = [
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(
        type='UniformSample', clip_len=num_frames, num_clips=1,
        test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(
        type='UniformSample', clip_len=num_frames, num_clips=4,
        test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, crop_size)),
    dict(type='ThreeCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
