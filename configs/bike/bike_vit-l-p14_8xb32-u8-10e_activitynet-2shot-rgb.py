# Few-shot ActivityNet, 2 videos per class (paper Table 4): 88.7 top-1
# (1x1 val; 4x3 test). The few-shot recipe of
# bike_vit-l-p14_8xb32-u8-10e_hmdb51-2shot-rgb.py on ActivityNet (drawn
# from its trimmed training instances, as released).
_base_ = ['../_base_/models/bike_vit-l-p14.py',
          '../_base_/datasets/activitynet.py',
          '../_base_/schedules/bike_adamw_cosine_10e.py']

model = dict(class_names=_base_.label_file,
             cls_head=dict(num_classes=_base_.num_classes, temporal_layers=0))
train_dataloader = dict(dataset=dict(
    type='FewShotDataset', shots=2, seed=0, _delete_=True,
    dataset=_base_.train_dataloader.dataset))
