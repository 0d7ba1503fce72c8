"""The head contract: declarations, class count, view averaging."""
import math

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from bike_mm.models.heads import (
    AttributesHead,
    Text4VisHead,
    VCSHead,
    XCLIPHead,
)
from bike_mm.models.heads.text_conditioned_head import TextConditionedHead
from bike_mm.models.utils import TextEmbeddings
from bike_mm.structures import pred_score


def test_heads_declare_what_they_consume():
    declared = {cls: (cls.features, cls.loss_categories)
                for cls in (VCSHead, Text4VisHead, XCLIPHead, AttributesHead)}
    assert declared == {
        VCSHead: ('frames', 'batch'),
        Text4VisHead: ('frames', 'all'),
        XCLIPHead: ('frames_and_patches', 'all'),
        AttributesHead: ('sentences', 'batch'),
    }
    assert all(issubclass(cls, TextConditionedHead) for cls in declared)


def test_set_num_classes_is_checked_by_the_head():
    head = MODELS.build(dict(type='VCSHead', num_classes=3, in_channels=4))
    head.set_num_classes(7)
    assert head.num_classes == 7
    with pytest.raises(ValueError, match='positive'):
        head.set_num_classes(0)
    fixed = MODELS.build(dict(type='Text4VisHead', num_classes=3,
                              in_channels=4, classifier='orthogonal'))
    with pytest.raises(ValueError, match='has 3 classes, not 5'):
        fixed.set_num_classes(5)


def test_released_view_averaging_by_hand():
    head = MODELS.build(dict(type='Text4VisHead', num_classes=2,
                             in_channels=2, temporal_layers=0,
                             average_clips='released'))
    # one sample, two views of one frame each; cosine with the rows of
    # the text classifier [1, 0] and [0, 1]
    frames = torch.tensor([[[1., 0.]], [[0., 1.]]])
    texts = torch.eye(2)
    categories = TextEmbeddings(texts, texts[:, None],
                                torch.ones(2, 1, dtype=torch.bool))
    sample = ActionDataSample()
    head.predict(frames, categories, [sample], logit_scale=100.)
    # per view softmax of the unscaled cosines: [e/(e+1), 1/(e+1)] and
    # [1/(e+1), e/(e+1)]; their mean [0.5, 0.5]; softmax again [0.5, 0.5]
    torch.testing.assert_close(pred_score(sample), torch.tensor([.5, .5]))
    frames = torch.tensor([[[1., 0.]], [[1., 0.]]])
    head.predict(frames, categories, [sample], logit_scale=100.)
    p = math.e / (math.e + 1)  # no logit scale: one softmax of [1, 0]
    q = math.exp(p) / (math.exp(p) + math.exp(1 - p))  # softmax again
    torch.testing.assert_close(pred_score(sample), torch.tensor([q, 1 - q]))
    with pytest.raises(ValueError, match='average_clips must be one of'):
        MODELS.build(dict(type='VCSHead', num_classes=2, in_channels=2,
                          average_clips='mean'))
