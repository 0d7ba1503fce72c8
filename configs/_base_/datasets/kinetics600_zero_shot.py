# Kinetics-600 zero-shot test (paper Table 5, supplement A.3): the 220
# classes new to Kinetics-400, of which each of the three splits of
# Elaborative Rehearsal (ER, Chen & Huang, ICCV 2021) keeps 160. Split 1 is
# set here; a split's list holds its test videos with labels indexed in its
# label file. Test only, single view (1 clip x center crop).
_base_ = ['./video.py']

label_file = 'configs/_base_/labels/k600_zeroshot_split1.txt'
num_classes = 160
train_dataloader = val_dataloader = val_evaluator = None
test_dataloader = dict(
    dataset=dict(
        type='CheckedVideoDataset',
        ann_file='data/kinetics600/k600_zero_shot_split1_videos.txt',
        data_prefix=dict(video='data/kinetics600/videos_test'),
        label_file=label_file,
        num_classes=num_classes,
        pipeline=_base_.val_dataloader.dataset.pipeline))
# every split scores all its 160 classes
test_evaluator = dict(type='ZeroShotMetric', num_repeats=0)
