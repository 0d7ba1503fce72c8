# Stage 2 of BIKE on the embedded demo dataset: the attributes branch of the
# tiny CLIP, trained with the video branch of bike_tiny_demo.py loaded and
# frozen; tested with both branches fused (acc/top1) and each alone
# (acc/video_top1, acc/attributes_top1). Steps (docs/attributes.md):
#   python tools/train.py configs/demo/bike_tiny_demo.py   # stage 1
#   for s in train val test; do python tools/generate_attributes.py \
#     data/demo/$s.txt --data-prefix data/demo/videos \
#     --lexicon data/demo/labels.txt --out data/demo/attributes_$s.json \
#     --arch ViT-Tiny-16 --checkpoint work_dirs/bike_tiny_demo/epoch_40.pth
#   done
#   python tools/train.py configs/demo/bike_tiny_demo_attributes.py
_base_ = ['./bike_tiny_demo.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

model = dict(
    attributes_head=dict(
        type='AttributesHead',
        num_classes=_base_.num_classes,
        in_channels=64,
        # a randomly initialised tiny text tower of its own, trained here
        text_encoder=dict(
            type='OpenCLIP',
            arch='ViT-Tiny-16',
            pretrained=None,
            freeze_text=False,
            freeze_vision=True),
        projection=True,
        fusion_weight=0.6),
    frozen_branches=('video', ))
load_from = 'work_dirs/bike_tiny_demo/epoch_40.pth'

attributes = dict(type='LoadAttributeSentence', arch='ViT-Tiny-16', topk=5,
                  template='This is a video about {}')
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames=8, input_size=64, short_side=72, test_views=(1, 1),
    meta_keys=('img_shape', 'attribute_tokens'))
train_dataloader['dataset']['pipeline'].insert(
    0, dict(attributes, attribute_file='data/demo/attributes_train.json'))
val_dataloader['dataset']['pipeline'].insert(
    0, dict(attributes, attribute_file='data/demo/attributes_val.json'))
test_dataloader['dataset']['pipeline'].insert(
    0, dict(attributes, attribute_file='data/demo/attributes_test.json'))
val_evaluator = dict(type='BranchAccMetric')
test_evaluator = val_evaluator

max_epochs = 20
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs)
]
