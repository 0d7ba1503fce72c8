# bike_tiny_demo on frame folders instead of videos: the demo videos
# extracted by
#   python tools/data/extract_frames.py data/demo/SPLIT.txt data/demo/videos \
#       data/demo/rawframes data/demo/SPLIT_rawframes.txt
# (mmaction's RawframeDataset layout: img_00001.jpg, ...; annotation lines
# "frame_dir total_frames label"). Same sampling, crops and model, so a
# checkpoint of either config tests alike on both.
_base_ = ['./bike_tiny_demo.py']
from bike_mm.datasets import video_pipeline  # noqa: E402

frames_root = 'data/demo/rawframes'
rawframe_dataset = dict(
    _delete_=True,
    type='RawframeDataset',
    data_prefix=dict(img=frames_root),
    filename_tmpl='img_{:05d}.jpg',
    num_classes={{_base_.num_classes}})

# the demo's video pipelines with RawFrameDecode for DecordInit /
# TrimToSegment / DecordDecode
train_pipeline = [
    dict(type='RawFrameDecode') if step['type'] == 'DecordDecode' else step
    for step in video_pipeline(8, 64, train=True, short_side=72)
    if step['type'] not in ('DecordInit', 'TrimToSegment')
]
val_pipeline = [
    dict(type='RawFrameDecode') if step['type'] == 'DecordDecode' else step
    for step in video_pipeline(8, 64, short_side=72)
    if step['type'] not in ('DecordInit', 'TrimToSegment')
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
