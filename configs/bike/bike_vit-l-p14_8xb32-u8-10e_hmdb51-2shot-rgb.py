# Few-shot HMDB-51, 2 videos per class (paper Table 4): 73.5 top-1
# (1x1 val; 4x3 test). CLIP ViT-L/14 (released variant), 8 frames, no
# Kinetics-400 pre-training; no temporal transformer, as in the released
# few-shot configs. The K x C selected videos are repeated to the full
# training set's epoch length (supplement A.1).
_base_ = ['../_base_/models/bike_vit-l-p14.py',
          '../_base_/datasets/hmdb51.py',
          '../_base_/schedules/bike_adamw_cosine_10e.py']

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes, temporal_layers=0))
train_dataloader = dict(dataset=dict(
    type='FewShotDataset', shots=2, seed=0, _delete_=True,
    dataset=_base_.train_dataloader.dataset))
