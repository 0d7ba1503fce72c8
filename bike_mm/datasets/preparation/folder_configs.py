"""Ready configs for a dataset of :func:`build_folder_dataset`.

Each is a complete config (no ``_base_``, absolute paths) derived from a
BIKE config of the model zoo, so it runs from any folder.
"""
import copy
import os.path as osp
from typing import Dict, Optional

from mmengine.config import Config

from .folder_dataset import FolderDataset

# helper variables of the zoo's dataset configs, meaningless here
DATASET_HELPERS = ('videos', 'ann_file_zero_shot')


def folder_dataset_configs(base: Config,
                           dataset: FolderDataset,
                           video_root: str,
                           out_dir: str,
                           pretrained: Optional[str] = None,
                           shots: int = 2,
                           seed: int = 0) -> Dict[str, Config]:
    """The fine-tuning, few-shot and zero-shot configs of a folder dataset.

    * ``bike_finetune``: ``base``'s model and recipe trained on the train
      split from the CLIP weights ``pretrained``, validated on val, tested on
      test (val without a test split).
    * ``bike_few_shot``: the same with ``shots`` videos per class
      (:class:`FewShotDataset`, repeated to a full epoch).
    * ``bike_zero_shot``: test only, on the same split as ``bike_finetune``,
      for a checkpoint trained on other classes (``tools/test.py CONFIG
      CKPT --allow-class-mismatch``).

    Each has its work dir in ``out_dir/work_dirs/<name>``.

    Args:
        base (Config): A BIKE config with ``CheckedVideoDataset``
            dataloaders (e.g. a Kinetics-400 one of ``configs/bike``).
        dataset (FolderDataset): The written dataset.
        video_root (str): The folder the annotation paths are relative to.
        out_dir (str): Where the dataset files are (work dirs go there).
        pretrained (str, optional): CLIP weights (open_clip tag or file);
            ``base``'s when None.
        shots (int): Videos per class of the few-shot config.
        seed (int): Seed of the few-shot selection.

    Returns:
        dict[str, Config]: The configs by name.
    """
    files = {role: osp.abspath(path) for role, path in dataset.files.items()}
    num_classes = len(dataset.class_names)
    cfg = Config(copy.deepcopy(base.to_dict()))
    for key in DATASET_HELPERS:
        cfg.pop(key, None)
    cfg.label_file, cfg.num_classes = files['labels'], num_classes
    cfg.model.class_names = files['labels']
    cfg.model.cls_head.num_classes = num_classes
    if pretrained is not None:
        cfg.model.backbone.pretrained = pretrained
    eval_split = 'test' if 'test' in files else 'val'
    for split, ann in (('train', 'train'), ('val', 'val'),
                       ('test', eval_split)):
        cfg[f'{split}_dataloader'].dataset.update(
            ann_file=files[ann],
            label_file=files['labels'],
            num_classes=num_classes,
            data_prefix=dict(video=osp.abspath(video_root)))
    topk = (1, min(5, num_classes))
    for evaluator in ('val_evaluator', 'test_evaluator'):
        cfg[evaluator] = dict(
            type='AccMetric',
            metric_options=dict(top_k_accuracy=dict(topk=topk)))

    few_shot = Config(copy.deepcopy(cfg.to_dict()))
    few_shot.train_dataloader.dataset = dict(
        type='FewShotDataset', shots=shots, seed=seed,
        dataset=cfg.train_dataloader.dataset)

    zero_shot = Config(copy.deepcopy(cfg.to_dict()))
    # test only: mmengine wants the train (and val) parts all set or none
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper',
                'param_scheduler', 'auto_scale_lr', 'val_dataloader',
                'val_cfg', 'val_evaluator'):
        zero_shot.pop(key, None)

    configs = dict(bike_finetune=cfg, bike_few_shot=few_shot,
                   bike_zero_shot=zero_shot)
    for name, config in configs.items():
        config.work_dir = osp.join(osp.abspath(out_dir), 'work_dirs', name)
    return configs
