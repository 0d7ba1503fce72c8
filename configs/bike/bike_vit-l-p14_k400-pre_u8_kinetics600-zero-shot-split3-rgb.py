# Zero-shot Kinetics-600, split 3 of 3 (see
# bike_vit-l-p14_k400-pre_u8_kinetics600-zero-shot-split1-rgb.py).
_base_ = ['./bike_vit-l-p14_k400-pre_u8_kinetics600-zero-shot-split1-rgb.py']

label_file = 'configs/_base_/labels/k600_zeroshot_split3.txt'
model = dict(class_names=label_file)
test_dataloader = dict(dataset=dict(label_file=label_file, ann_file=(
    'data/kinetics600/k600_zero_shot_split3_videos.txt')))
