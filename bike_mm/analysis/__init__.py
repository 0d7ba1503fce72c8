"""Procedures that run a model over a dataset and compute something from
its outputs, apart from training: the Text4Vis LDA classifier, results over
several test splits."""
from .lda_classifier import (fit_lda_classifier, sample_per_class,
                             write_lda_classifier)
from .split_results import evaluate_splits, format_report, mean_and_std

__all__ = [
    'evaluate_splits', 'fit_lda_classifier', 'format_report', 'mean_and_std',
    'sample_per_class', 'write_lda_classifier'
]
