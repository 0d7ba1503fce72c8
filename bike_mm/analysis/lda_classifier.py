"""Text4Vis's LDA classifier (Table 6, Appendix C.4), fitted on visual
features of the training set (command line: ``tools/text4vis_lda.py``).

The visual encoder of a config (its ``pretrained`` CLIP weights, or a
checkpoint) embeds ``per_class`` training videos of every class (the paper:
60 per K400 class) with the test pipeline; the video embedding is the
temporal average of the frame embeddings. Fisher's LDA (scikit-learn, no
dimension reduction) is fitted on them and its discriminant coefficients,
``[K, D]``, are saved with ``numpy.save`` for
``Text4VisHead(classifier='file', classifier_file=OUT)``.
"""
import os.path as osp
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from torch.utils.data import DataLoader, Subset

from ..structures import gt_label


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


def write_lda_classifier(config: str,
                         out: str,
                         checkpoint: Optional[str] = None,
                         per_class: int = 60,
                         seed: int = 0,
                         batch_size: int = 8,
                         num_workers: int = 2,
                         cfg_options: Optional[dict] = None) -> dict:
    """Fit the LDA classifier of a Text4Vis config and save it to ``out``.

    Args:
        config (str): Config of the Text4Vis model; its training set is the
            data, its test pipeline the preprocessing.
        out (str): ``.npy`` file to write, ``[K, D]`` float32.
        checkpoint (str, optional): Recognizer checkpoint; default the
            backbone's pretrained weights (the paper uses CLIP's).
        per_class (int): Training videos per class (0: all).
        seed (int): Seed of the per-class draw.
        batch_size (int): Videos per batch.
        num_workers (int): Data loading processes.
        cfg_options (dict, optional): Config overrides.

    Returns:
        dict: ``shape`` of the classifier, ``num_videos`` it was fitted on
        and ``train_accuracy`` (without intercept).

    Raises:
        ValueError: ``out`` is not a ``.npy`` file, or a class has no
            training video.
        FileNotFoundError: The folder of ``out`` does not exist.
    """
    # checked first: feature extraction can take hours
    if not out.endswith('.npy'):
        raise ValueError(f'out must be a .npy file, got {out}')
    out_dir = osp.dirname(osp.abspath(out))
    if not osp.isdir(out_dir):
        raise FileNotFoundError(f'{out}: folder {out_dir} does not exist')
    cfg = Config.fromfile(config)
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))

    head = cfg.model.cls_head
    if head.get('classifier') == 'file':
        # the classifier file is what is made here: features do not need it
        head.classifier, head.classifier_file = 'text', None
    model = MODELS.build(cfg.model)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.eval()

    # the training videos, seen through the test pipeline (no augmentation)
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.update(
        pipeline=cfg.test_dataloader.dataset.pipeline, test_mode=True)
    dataset = DATASETS.build(dataset_cfg)
    labels = [dataset.get_data_info(i)['label'] for i in range(len(dataset))]
    indices = sample_per_class(labels, per_class, seed)
    loader = DataLoader(
        Subset(dataset, indices.tolist()),
        batch_size=batch_size,
        num_workers=num_workers,
        collate_fn=pseudo_collate)
    feats, labels = extract_features(model, loader)

    classifier = fit_lda_classifier(feats, labels, head.num_classes)
    np.save(out, classifier)
    train_acc = (np.argmax(feats @ classifier.T, 1) == labels).mean()
    return dict(
        shape=classifier.shape,
        num_videos=len(labels),
        train_accuracy=float(train_acc))
