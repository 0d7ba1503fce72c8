# Kinetics-600 zero-shot test (paper Table 5, supplement A.3): the 220
# classes new to Kinetics-400, of which each of the three splits of
# Elaborative Rehearsal (ER, Chen & Huang, ICCV 2021) keeps 160. Split 1 is
# set here; a split's list holds its test videos with labels indexed in its
# label file. Test only.
# No pipelines here: configs inherit `kinetics600_zero_shot_video_u8_224.py`.
dataset_type = 'CheckedVideoDataset'
data_root_val = 'data/kinetics600/videos_test'
ann_file_test = 'data/kinetics600/k600_zero_shot_split1_videos.txt'
label_file = 'configs/_base_/labels/k600_zeroshot_split1.txt'
num_classes = 160

train_dataloader = None
val_dataloader = None
test_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root_val),
        label_file=label_file,
        num_classes=num_classes,
        test_mode=True))
val_evaluator = None
# every split scores all its 160 classes
test_evaluator = dict(type='ZeroShotMetric', num_repeats=0)
