"""Turn a folder of class folders of videos into a dataset and ready
configs.

    python tools/data/build_from_folders.py ROOT --out DIR [--val-ratio 0.2]
        [--test-ratio 0.0] [--seed 0] [--arch ViT-B-32]
        [--pretrained openai] [--shots 2] [--workers 4] [--force]

``ROOT/<class>/<video>``: class names are the folder names with ``_`` read
as a space. Every video is decoded (first, middle and last frame, as
``tools/check_videos.py`` does); those that fail are named on the console
and in ``DIR/bad_videos.txt`` and left out of the lists. DIR gets
``labels.txt``, ``train.txt``, ``val.txt`` (``test.txt`` with
``--test-ratio``), split per class with ``--seed`` (a class with one video
is in train only), and three complete configs derived from the model zoo's
Kinetics-400 BIKE config of ``--arch``: ``bike_finetune.py`` (fine-tunes
BIKE from the CLIP weights ``--pretrained``), ``bike_few_shot.py``
(``--shots`` videos per class) and ``bike_zero_shot.py`` (test only, for a
checkpoint trained on other classes). Then:

    python tools/train.py DIR/bike_finetune.py
    python tools/test.py DIR/bike_finetune.py CHECKPOINT

(checkpoints in ``DIR/work_dirs/bike_finetune``).
"""
import argparse
import os.path as osp

from mmengine.config import Config

from bike_mm.datasets.preparation import (
    build_folder_dataset,
    folder_dataset_configs,
)
from bike_mm.engine.cli import run_tool

# the zoo config each CLIP architecture starts from (configs/bike/)
ZOO_CONFIGS = {
    'ViT-B-32': 'bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py',
    'ViT-B-16': 'bike_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py',
    'ViT-L-14': 'bike_vit-l-p14_8xb32-u8-20e_kinetics400-rgb.py',
    'ViT-L-14-336': 'bike_vit-l-p14-336_8xb16-u8-20e_kinetics400-rgb.py',
}
CONFIG_DIR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    'bike')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Dataset and configs from ROOT/<class>/<video>')
    parser.add_argument('root', help='folder of class folders of videos')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--val-ratio', type=float, default=0.2)
    parser.add_argument('--test-ratio', type=float, default=0.0)
    parser.add_argument('--seed', type=int, default=0, help='split seed')
    parser.add_argument(
        '--arch', choices=sorted(ZOO_CONFIGS), default='ViT-B-32',
        help='CLIP architecture (its Kinetics-400 BIKE config is the base)')
    parser.add_argument(
        '--pretrained',
        help='CLIP weights: open_clip tag or file (default: the base '
        'config\'s, OpenAI\'s)')
    parser.add_argument(
        '--shots', type=int, default=2, help='videos per class, few-shot')
    parser.add_argument(
        '--workers', type=int, default=4, help='decoding threads')
    parser.add_argument(
        '--force', action='store_true',
        help='write into a non-empty --out (its files are overwritten, '
        'nothing is deleted)')
    args = parser.parse_args()
    if args.shots < 1:
        parser.error('--shots must be at least 1')
    return args


def main() -> None:
    args = parse_args()
    dataset = build_folder_dataset(args.root, args.out, args.val_ratio,
                                   args.test_ratio, args.seed, args.force,
                                   args.workers)
    for path, reason in dataset.bad_videos:
        print(f'bad video (left out): {osp.join(args.root, path)}: {reason}')
    if dataset.train_only:
        print(f'{len(dataset.train_only)} class(es) with one video, in '
              f'train only: {", ".join(dataset.train_only)}')
    counts = ', '.join(f'{split} {len(items)}'
                       for split, items in dataset.splits.items())
    print(f'{len(dataset.class_names)} classes; videos: {counts}; '
          f'{len(dataset.bad_videos)} bad '
          f'({dataset.files["bad_videos"]})')
    base_file = osp.join(CONFIG_DIR, ZOO_CONFIGS[args.arch])
    configs = folder_dataset_configs(
        Config.fromfile(base_file), dataset, args.root, args.out,
        args.pretrained, args.shots, args.seed)
    for name, cfg in configs.items():
        path = osp.join(args.out, f'{name}.py')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(f'# {name} on {osp.abspath(args.root)}: written by '
                    'tools/data/build_from_folders.py from '
                    f'configs/bike/{ZOO_CONFIGS[args.arch]}\n')
            f.write(cfg.pretty_text)
        print(f'config: {path}')


if __name__ == '__main__':
    run_tool(main)
