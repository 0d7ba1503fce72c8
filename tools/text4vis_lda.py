"""Fit Text4Vis's LDA classifier (Table 6, Appendix C.4) on visual features
of the training set.

The visual encoder of CONFIG (its ``pretrained`` CLIP weights, or
``--checkpoint``) embeds ``--per-class`` training videos of every class
(the paper: 60 per K400 class) with the test pipeline; the video embedding is
the temporal average of the frame embeddings. Fisher's LDA
(scikit-learn, no dimension reduction) is fitted on them and its
discriminant coefficients, ``[K, D]``, are saved with ``numpy.save`` for
``Text4VisHead(classifier='file', classifier_file=OUT)``
(:func:`bike_mm.analysis.write_lda_classifier`).

    python tools/text4vis_lda.py CONFIG --out lda.npy [--checkpoint CKPT]
        [--per-class 60] [--seed 0] [--batch-size 8] [--cfg-options k=v ...]
"""
import argparse

from mmengine.config import DictAction

from bike_mm.analysis import write_lda_classifier
from bike_mm.engine.cli import run_tool


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


def main() -> None:
    args = parse_args()
    fitted = write_lda_classifier(**vars(args))
    print(f'LDA classifier {fitted["shape"]} from {fitted["num_videos"]} '
          'videos (train accuracy without intercept '
          f'{fitted["train_accuracy"]:.3f}) -> {args.out}')


if __name__ == '__main__':
    run_tool(main)
