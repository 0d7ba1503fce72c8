"""Procedures that run a model over a dataset and compute something from
its outputs, apart from training: the Text4Vis LDA classifier, results over
several test splits; and the comparison table of work dirs."""
from .compare import (
    compare,
    format_markdown,
    frames_and_views,
    plot,
    warnings,
    write_csv,
)
from .lda_classifier import (
    fit_lda_classifier,
    sample_per_class,
    write_lda_classifier,
)
from .split_results import evaluate_splits, format_report, mean_and_std
from .work_dir import Run, WorkDirError, read_work_dir

__all__ = [
    'compare', 'format_markdown', 'frames_and_views', 'plot', 'warnings',
    'write_csv', 'Run', 'WorkDirError', 'read_work_dir', 'evaluate_splits',
    'fit_lda_classifier', 'format_report', 'mean_and_std', 'sample_per_class',
    'write_lda_classifier'
]
