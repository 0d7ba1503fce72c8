# bike_tiny_demo tested with multiple views: 4 temporal clips x 3 spatial
# crops, scores averaged as probabilities by the recognizer's head.
_base_ = ['./bike_tiny_demo.py']

test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=4, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='ThreeCrop', crop_size=64),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_dataloader = dict(batch_size=4, dataset=dict(pipeline=test_pipeline))
