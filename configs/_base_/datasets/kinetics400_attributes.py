# Kinetics-400, 8-frame 224px video pipelines (as kinetics400.py) plus each
# video's attribute sentence for the attributes branch. The attribute files
# come from tools/generate_attributes.py (CLIP ViT-L/14, 8 frames, the 400
# class names as lexicon: supplement A.2, Table 6g); the released BIKE
# attribute files load unchanged (docs/attributes.md). Single-view val and
# test, as paper Table 6.
_base_ = ['./kinetics400.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

# the attribute encoder's tokenizer, top-5 attributes (Table 6d), the
# paper's prompt (Table 6c)
attributes = dict(type='LoadAttributeSentence', arch='ViT-B-32', topk=5,
                  template='This is a video about {}')
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames=8, input_size=224, test_views=(1, 1),
    meta_keys=('img_shape', 'attribute_tokens'))
train_dataloader['dataset']['pipeline'].insert(0, dict(
    attributes,
    attribute_file='data/kinetics400/attributes_train_vit-l-14.json'))
val_dataloader['dataset']['pipeline'].insert(0, dict(
    attributes,
    attribute_file='data/kinetics400/attributes_val_vit-l-14.json'))
test_dataloader = val_dataloader

# acc/top1 of the fused prediction, acc/video_top1, acc/attributes_top1
val_evaluator = dict(type='BranchAccMetric')
test_evaluator = val_evaluator
