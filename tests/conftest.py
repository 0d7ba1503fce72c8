"""Shared fixtures: the demo dataset and tiny model configs."""
import os.path as osp
import socket
import sys

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.structures import set_gt_label

register_all_modules()  # mmaction as the default registry scope

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(REPO_ROOT, 'tools'))

from generate_demo_dataset import generate  # noqa: E402

DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'bike_tiny_demo.py')


@pytest.fixture(scope='session')
def demo_data(tmp_path_factory) -> str:
    """The embedded demo dataset, generated once per test session.

    Returns the folder holding ``videos/``, ``{train,val,test}.txt`` and
    ``labels.txt``.
    """
    out = str(tmp_path_factory.mktemp('demo'))
    generate(out)
    return out


def demo_cfg_options(demo_dir: str) -> dict:
    """Config overrides that point the demo configs at ``demo_dir``."""
    options = {'model.class_names': osp.join(demo_dir, 'labels.txt')}
    for split in ('train', 'val', 'test'):
        prefix = f'{split}_dataloader.dataset.'
        options[prefix + 'ann_file'] = osp.join(demo_dir, f'{split}.txt')
        options[prefix + 'data_prefix.video'] = osp.join(demo_dir, 'videos')
        options[prefix + 'label_file'] = osp.join(demo_dir, 'labels.txt')
        # worker processes cost more than they save on tiny CPU runs
        options[split + '_dataloader.num_workers'] = 0
        options[split + '_dataloader.persistent_workers'] = False
    return options


def free_port() -> int:
    """A free TCP port on the loopback interface, for a distributed run."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def labelled_samples(labels) -> list:
    """ActionDataSamples with the given class indices as ground truth."""
    return [
        set_gt_label(ActionDataSample(), torch.tensor([label]))
        for label in labels
    ]


def tiny_bike_model(num_classes: int = 4, **head) -> dict:
    """A BIKERecognizer config on the randomly initialised tiny CLIP."""
    return dict(
        type='BIKERecognizer',
        num_frames=4,
        class_names=[f'class number {i}' for i in range(num_classes)],
        backbone=dict(type='OpenCLIP', arch='ViT-Tiny-16', pretrained=None),
        cls_head=dict(
            type='VCSHead', num_classes=num_classes, in_channels=64, **head),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=[122.771, 116.746, 104.094],
            std=[68.501, 66.632, 70.323],
            format_shape='NCHW'))

