# bike_tiny_demo on frame folders instead of videos: the demo videos
# extracted by
#   python tools/data/extract_frames.py data/demo/SPLIT.txt data/demo/videos \
#       data/demo/rawframes data/demo/SPLIT_rawframes.txt
# (mmaction's RawframeDataset layout: img_00001.jpg, ...; annotation lines
# "frame_dir total_frames label"). Same sampling, crops and model, so a
# checkpoint of either config tests alike on both.
_base_ = ['./bike_tiny_demo.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

rawframe_dataset = dict(
    _delete_=True,
    type='RawframeDataset',
    data_prefix=dict(img='data/demo/rawframes'),
    filename_tmpl='img_{:05d}.jpg',
    num_classes=_base_.num_classes)
# the demo's pipelines (tested on single views) on frame folders
train_dataloader, val_dataloader, _ = video_dataloaders(
    8, 64, short_side=72, frames='rawframes')
for split, loader in (('train', train_dataloader), ('val', val_dataloader)):
    loader['dataset'].update(
        ann_file=f'data/demo/{split}_rawframes.txt', **rawframe_dataset)
test_dataloader = dict(
    dataset=dict(val_dataloader['dataset'],
                 ann_file='data/demo/test_rawframes.txt'))
del split, loader
