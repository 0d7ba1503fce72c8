"""Text4Vis's LDA classifier fitted on features (bike_mm.analysis)."""
import numpy as np
import pytest

from bike_mm.analysis import fit_lda_classifier, sample_per_class


def test_lda_classifier_fits_toy_features():
    rng = np.random.default_rng(0)
    means = rng.normal(size=(5, 16)) * 3
    labels = np.repeat(np.arange(5), 40)
    feats = means[labels] + rng.normal(size=(200, 16))
    weight = fit_lda_classifier(feats, labels, 5)
    assert weight.shape == (5, 16) and weight.dtype == np.float32
    centered = feats - feats.mean(0)
    assert (np.argmax(centered @ weight.T, 1) == labels).mean() > 0.95
    with pytest.raises(ValueError, match=r'classes \[5\] have none'):
        fit_lda_classifier(feats, labels, 6)
    two = fit_lda_classifier(feats[labels < 2], labels[labels < 2], 2)
    assert two.shape == (2, 16)
    picked = sample_per_class(labels, 3, seed=1)
    assert np.bincount(labels[picked]).tolist() == [3] * 5
    assert picked.tolist() == sample_per_class(labels, 3, seed=1).tolist()
