"""Fit Text4Vis's LDA classifier (Table 6, Appendix C.4) on visual features
of the training set.

The visual encoder of CONFIG (its ``pretrained`` CLIP weights, or
``--checkpoint``) embeds ``--per-class`` training videos of every class
(the paper: 60 per K400 class) with the test pipeline; the video embedding is
the temporal average of the frame embeddings. Fisher's LDA
(scikit-learn, no dimension reduction) is fitted on them and its
discriminant coefficients, ``[K, D]``, are saved with ``numpy.save`` for
``Text4VisHead(classifier='file', classifier_file=OUT)``.

    python tools/text4vis_lda.py CONFIG --out lda.npy [--checkpoint CKPT]
        [--per-class 60] [--seed 0] [--batch-size 8] [--cfg-options k=v ...]
"""
import argparse
import os.path as osp
from typing import Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from torch.utils.data import DataLoader, Subset

from bike_mm.structures import gt_label


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Fit the Text4Vis LDA classifier')
    parser.add_argument('config', help='config of the Text4Vis model')
    parser.add_argument('--out', required=True, help='.npy file to write')
    parser.add_argument(
        '--checkpoint',
        help='recognizer checkpoint; default: the backbone\'s pretrained '
        'weights (the paper uses CLIP\'s, not fine-tuned)')
    parser.add_argument(
        '--per-class',
        type=int,
        default=60,
        help='training videos per class (0: all). Defaults to 60')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--num-workers', type=int, default=2)
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    return parser.parse_args()


def sample_per_class(labels: Sequence[int], per_class: int,
                     seed: int) -> np.ndarray:
    """Indices of up to ``per_class`` samples of every class, drawn with
    ``seed`` (all samples when ``per_class`` is 0), in dataset order."""
    labels = np.asarray(labels)
    if per_class == 0:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    picked = [
        rng.permutation(np.flatnonzero(labels == c))[:per_class]
        for c in np.unique(labels)
    ]
    return np.sort(np.concatenate(picked))


def fit_lda_classifier(feats: np.ndarray, labels: np.ndarray,
                       num_classes: int) -> np.ndarray:
    """Fisher LDA coefficients as a linear classifier.

    Args:
        feats (ndarray): ``[N, D]`` features.
        labels (ndarray): ``[N]`` class indices.
        num_classes (int): K; every class needs samples.

    Returns:
        ndarray: ``[K, D]`` float32, row k the discriminant of class k.
    """
    missing = sorted(set(range(num_classes)) - set(labels.tolist()))
    if missing:
        raise ValueError(f'LDA needs samples of every class; classes '
                         f'{missing} have none')
    lda = LinearDiscriminantAnalysis().fit(feats, labels)
    coef = lda.coef_
    if num_classes == 2:  # scikit-learn keeps one row for two classes
        coef = np.concatenate([-coef, coef])
    return coef.astype(np.float32)


@torch.no_grad()
def extract_features(model: torch.nn.Module,
                     loader: DataLoader) -> Tuple[np.ndarray, np.ndarray]:
    """Video embeddings (frame embeddings averaged over time and views) and
    labels of every sample of ``loader``."""
    feats, labels = [], []
    for batch in loader:
        data = model.data_preprocessor(batch, training=False)
        frames, _ = model.extract_feat(data['inputs'])
        videos = frames.mean(1).view(len(data['data_samples']), -1,
                                     frames.shape[-1]).mean(1)
        feats.append(videos.cpu())
        labels += [int(gt_label(s)) for s in data['data_samples']]
    return torch.cat(feats).numpy(), np.asarray(labels)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    from mmaction.registry import DATASETS, MODELS

    head = cfg.model.cls_head
    if head.get('classifier') == 'file':
        # the classifier file is what this tool makes: features do not need it
        head.classifier, head.classifier_file = 'text', None
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    model.eval()

    # the training videos, seen through the test pipeline (no augmentation)
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.update(
        pipeline=cfg.test_dataloader.dataset.pipeline, test_mode=True)
    dataset = DATASETS.build(dataset_cfg)
    labels = [dataset.get_data_info(i)['label'] for i in range(len(dataset))]
    indices = sample_per_class(labels, args.per_class, args.seed)
    loader = DataLoader(
        Subset(dataset, indices.tolist()),
        batch_size=args.batch_size,
        num_workers=args.num_workers,
        collate_fn=pseudo_collate)
    feats, labels = extract_features(model, loader)

    classifier = fit_lda_classifier(feats, labels, head.num_classes)
    if not args.out.endswith('.npy'):
        raise ValueError(f'--out must be a .npy file, got {args.out}')
    out_dir = osp.dirname(osp.abspath(args.out))
    if not osp.isdir(out_dir):
        raise FileNotFoundError(f'--out: folder {out_dir} does not exist')
    np.save(args.out, classifier)
    train_acc = (np.argmax(feats @ classifier.T, 1) == labels).mean()
    print(f'LDA classifier {classifier.shape} from {len(labels)} videos '
          f'(train accuracy without intercept {train_acc:.3f}) -> {args.out}')


if __name__ == '__main__':
    main()
