# Kinetics-400, 8-frame 224px video pipelines (as kinetics400_video_u8_224.py)
# plus each video's attribute sentence for the attributes branch. The
# attribute files come from tools/generate_attributes.py (CLIP ViT-L/14, 8
# frames, the 400 class names as lexicon: supplement A.2, Table 6g); the
# released BIKE attribute files load unchanged (docs/attributes.md).
_base_ = ['./kinetics400.py']

num_frames = 8
crop_size = 224
attribute_file_train = 'data/kinetics400/attributes_train_vit-l-14.json'
attribute_file_val = 'data/kinetics400/attributes_val_vit-l-14.json'
# the attribute encoder's tokenizer, top-5 attributes (Table 6d), the
# paper's prompt (Table 6c)
attribute_args = dict(
    type='LoadAttributeSentence',
    arch='ViT-B-32',
    topk=5,
    template='This is a video about {}')
pack_inputs = dict(
    type='PackActionInputs', meta_keys=('img_shape', 'attribute_tokens'))

train_pipeline = [
    dict(attribute_file=attribute_file_train, **attribute_args),
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='FormatShape', input_format='NCHW'), pack_inputs
]
# single view (1 clip x 1 center crop), as paper Table 6
val_pipeline = [
    dict(attribute_file=attribute_file_val, **attribute_args),
    dict(type='DecordInit'),
    dict(
        type='UniformSample', clip_len=num_frames, num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCHW'), pack_inputs
]
test_pipeline = val_pipeline
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

# acc/top1 of the fused prediction, acc/video_top1, acc/attributes_top1
val_evaluator = dict(type='BranchAccMetric')
test_evaluator = val_evaluator
