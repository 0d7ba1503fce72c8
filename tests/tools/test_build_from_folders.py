"""tools/data/build_from_folders.py: a folder of class folders becomes a
dataset and configs that train and test."""
import os.path as osp

import pytest
from mmengine.config import Config

from bike_mm.datasets.preparation import build_folder_dataset
from tests.datasets.preparation.test_folder_dataset import make_tree
from tests.helpers import run_tool, tool_error

pytestmark = pytest.mark.e2e
TOOL = 'data/build_from_folders.py'
# The generated config as the base of the tiny demo model
# (configs/demo/bike_tiny_demo.py: random ViT-Tiny-16 CLIP of 64 px inputs,
# no download) for one epoch on CPU.
TINY_CONFIG = """_base_ = ['./bike_finetune.py']
from bike_mm.datasets import video_dataloaders  # noqa: E402

model = dict(
    backbone=dict(arch='ViT-Tiny-16', pretrained=None,
                  grad_checkpointing=False),
    cls_head=dict(in_channels=64, temporal_layers=1))
train_dataloader, val_dataloader, test_dataloader = video_dataloaders(
    num_frames=8, input_size=64, short_side=72, test_views=(1, 1))
for loader in (train_dataloader, val_dataloader, test_dataloader):
    loader.update(batch_size=4, num_workers=0, persistent_workers=False)
train_cfg = dict(max_epochs=1)
work_dir = {work_dir!r}
"""


def read_list(path):
    with open(path) as f:
        return [line.split() for line in f]


@pytest.fixture(scope='module')
def video_tree(tmp_path_factory):
    """4 classes of 5, 5, 4 and 1 demo videos (red ball, blue square,
    green triangle, yellow ring), a broken file among the blue squares."""
    root = tmp_path_factory.mktemp('folders') / 'videos'
    return make_tree(root, [5, 5, 4, 1], broken=(1, ))


def test_lists_split_and_configs(video_tree, tmp_path):
    out = tmp_path / 'out'
    result = run_tool(TOOL, video_tree, '--out', out, '--test-ratio', 0.2,
                      '--seed', 3, '--pretrained', 'laion2b_s34b_b79k')
    lines = result.stdout.splitlines()
    broken = osp.join(video_tree, 'a_blue_square_sliding_from_side_to_side',
                      'broken.mp4')
    assert any(line.startswith(f'bad video (left out): {broken}: ')
               for line in lines)
    assert any('train only: a yellow ring growing and shrinking' in line
               for line in lines)
    names = (out / 'labels.txt').read_text().splitlines()
    assert names == [
        'a blue square sliding from side to side',
        'a green triangle spinning in place',
        'a red ball bouncing up and down',
        'a yellow ring growing and shrinking'
    ]
    splits = {s: read_list(out / f'{s}.txt') for s in ('train', 'val', 'test')}
    per_class = {s: sorted(int(y) for _, y in items)
                 for s, items in splits.items()}
    # labels in name order: 5 good videos, 4, 5 and 1; 20 % (at least
    # one) each for val and test, the single video in train
    assert per_class == dict(train=[0, 0, 0, 1, 1, 2, 2, 2, 3],
                             val=[0, 1, 2], test=[0, 1, 2])
    listed = [path for items in splits.values() for path, _ in items]
    assert len(listed) == len(set(listed)) == 15
    assert all(osp.isfile(osp.join(video_tree, path)) for path in listed)
    assert 'broken.mp4' not in ' '.join(listed)
    assert (out / 'bad_videos.txt').read_text().startswith(
        'a_blue_square_sliding_from_side_to_side/broken.mp4: ')

    # the same seed, the same split; another seed, another one (the
    # tool's function in this process: a subprocess costs seconds)
    for seed, same in ((3, True), (4, False)):
        again = build_folder_dataset(str(video_tree), str(tmp_path / 'again'),
                                     0.2, 0.2, seed, force=True).splits
        assert (again == {s: [(p, int(y)) for p, y in items]
                          for s, items in splits.items()}) == same

    finetune = Config.fromfile(str(out / 'bike_finetune.py'))
    assert finetune.model.backbone.pretrained == 'laion2b_s34b_b79k'
    assert finetune.model.cls_head.num_classes == 4
    assert finetune.model.class_names == str(out / 'labels.txt')
    for split in ('train', 'val', 'test'):
        data = finetune[f'{split}_dataloader'].dataset
        assert data.ann_file == str(out / f'{split}.txt')
        assert data.data_prefix.video == str(video_tree)
        assert data.num_classes == 4
    assert finetune.work_dir == str(out / 'work_dirs' / 'bike_finetune')
    few_shot = Config.fromfile(str(out / 'bike_few_shot.py'))
    assert few_shot.train_dataloader.dataset.type == 'FewShotDataset'
    assert few_shot.train_dataloader.dataset.shots == 2
    zero_shot = Config.fromfile(str(out / 'bike_zero_shot.py'))
    assert 'train_dataloader' not in zero_shot
    assert zero_shot.test_dataloader.dataset.ann_file == str(out / 'test.txt')


def test_bad_input_is_one_line(video_tree, tmp_path):
    missing = tmp_path / 'missing'
    assert tool_error(run_tool(TOOL, missing, '--out', tmp_path / 'o',
                               check=False)).endswith(
                                   f'video folder not found: {missing}')
    empty = tmp_path / 'tree'
    (empty / 'wave').mkdir(parents=True)
    assert tool_error(run_tool(TOOL, empty, '--out', tmp_path / 'o',
                               check=False)).endswith(
        f'class folder {empty / "wave"} holds no video (files ending in '
        '.mp4, .avi, .mkv, .mov, .webm, .m4v, .mpg, .mpeg, .flv, .wmv, '
        '.3gp, .ts)')
    taken = tmp_path / 'taken'
    taken.mkdir()
    (taken / 'mine.txt').write_text('keep me')
    assert 'exists and is not empty' in tool_error(
        run_tool(TOOL, video_tree, '--out', taken, check=False))
    assert (taken / 'mine.txt').read_text() == 'keep me'


def test_generated_config_trains_and_tests(video_tree, tmp_path):
    out = tmp_path / 'out'
    run_tool(TOOL, video_tree, '--out', out)
    config = out / 'tiny.py'
    config.write_text(TINY_CONFIG.format(work_dir=str(tmp_path / 'work')))
    run_tool('train.py', config)
    checkpoint = tmp_path / 'work' / 'epoch_1.pth'
    assert checkpoint.is_file()
    result = run_tool('test.py', config, checkpoint)
    assert 'acc/top1' in result.stdout + result.stderr
