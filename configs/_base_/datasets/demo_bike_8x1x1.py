# The embedded demo dataset (tools/generate_demo_dataset.py): 8 classes of
# synthetic 96x128 videos, 8 frames per clip, 64x64 crops for the tiny CLIP.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/demo/videos'
ann_file_train = 'data/demo/train.txt'
ann_file_val = 'data/demo/val.txt'
ann_file_test = 'data/demo/test.txt'
label_file = 'data/demo/labels.txt'
num_classes = 8
num_frames = 8
crop_size = 64

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='UniformSample', clip_len=num_frames, num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

dataset_args = dict(
    type=dataset_type,
    data_prefix=dict(video=data_root),
    label_file=label_file,
    num_classes=num_classes)
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        ann_file=ann_file_train, pipeline=train_pipeline, **dataset_args))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_val, pipeline=val_pipeline, test_mode=True,
        **dataset_args))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_test, pipeline=test_pipeline, test_mode=True,
        **dataset_args))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
