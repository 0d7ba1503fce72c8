# bike_tiny_demo on frame folders instead of videos: the demo videos
# extracted by
#   python tools/data/extract_frames.py data/demo/SPLIT.txt data/demo/videos \
#       data/demo/rawframes data/demo/SPLIT_rawframes.txt
# (mmaction's RawframeDataset layout: img_00001.jpg, ...; annotation lines
# "frame_dir total_frames label"). Same sampling, crops and model, so a
# checkpoint of either config tests alike on both.
_base_ = ['./bike_tiny_demo.py']

frames_root = 'data/demo/rawframes'
rawframe_dataset = dict(
    _delete_=True,
    type='RawframeDataset',
    data_prefix=dict(img=frames_root),
    filename_tmpl='img_{:05d}.jpg',
    num_classes={{_base_.num_classes}})

train_pipeline = [
    dict(type='UniformSample', clip_len=8, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(64, 64), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='UniformSample', clip_len=8, num_clips=1, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='CenterCrop', crop_size=64),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    dataset=dict(
        ann_file='data/demo/train_rawframes.txt',
        pipeline=train_pipeline,
        **rawframe_dataset))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/demo/val_rawframes.txt',
        pipeline=val_pipeline,
        test_mode=True,
        **rawframe_dataset))
test_dataloader = dict(
    dataset=dict(
        ann_file='data/demo/test_rawframes.txt',
        pipeline=val_pipeline,
        test_mode=True,
        **rawframe_dataset))
