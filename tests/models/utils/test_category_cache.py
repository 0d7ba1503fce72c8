"""Category cache: chunked encoding, cache files keyed by a hash."""
import os

import pytest
import torch
from mmaction.registry import MODELS

from bike_mm.models.utils.category_cache import (
    cache_file,
    category_cache_key,
    load_or_encode,
)
from bike_mm.structures import pred_score
from tests.helpers import labelled_samples, tiny_bike_model


def build(num_classes=4, **backbone):
    torch.manual_seed(0)
    cfg = tiny_bike_model(num_classes, temporal_layers=1)
    cfg['backbone'].update(backbone)
    return MODELS.build(cfg).eval()


def count_text_encodings(model, monkeypatch) -> list:
    calls = []
    encode_text = model.backbone.text.encode
    monkeypatch.setattr(
        model.backbone.text, 'encode',
        lambda tokens: calls.append(len(tokens)) or encode_text(tokens))
    return calls


def test_chunked_text_encoding_equals_one_batch():
    model = build(text_chunk_size=3)
    tokens, _ = model.backbone.text.tokenize([f'class {i}' for i in range(10)])
    with torch.no_grad():
        chunked = model.backbone.text.encode(tokens)
        model.backbone.text.chunk_size = 100
        whole = model.backbone.text.encode(tokens)
    for got, expected in zip(chunked, whole):
        assert got.shape == expected.shape
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_cache_file_is_written_once_and_reused(tmp_path, monkeypatch):
    first = build()
    first.category_cache_dir = str(tmp_path)
    expected = first.cached_categories()
    assert len(os.listdir(tmp_path)) == 1
    # a new process with the same weights, prompts and classes
    second = build()
    second.category_cache_dir = str(tmp_path)
    calls = count_text_encodings(second, monkeypatch)
    got = second.cached_categories()
    assert calls == []
    for field, value in zip(expected, got):
        torch.testing.assert_close(value, field)
    # predictions are the same as without any cache file
    third = build()
    inputs = torch.randn(2, 4, 3, 64, 64)
    with torch.no_grad():
        with_file = second(inputs, labelled_samples([0, 1]), mode='predict')
        without = third(inputs, labelled_samples([0, 1]), mode='predict')
    for a, b in zip(with_file, without):
        torch.testing.assert_close(pred_score(a), pred_score(b))


def test_key_changes_with_weights_classes_prompt_and_head():
    model = build()
    clip, head = model.backbone.clip, model.cls_head
    key = category_cache_key(clip, model.class_tokens, model.class_word_mask,
                             head)
    assert key == category_cache_key(clip, model.class_tokens.clone(),
                                     model.class_word_mask, head)
    model.set_classes(['a', 'b', 'c', 'e'])
    assert category_cache_key(clip, model.class_tokens,
                              model.class_word_mask, head) != key
    model = build()
    model.categories.prompt_templates = ['a clip of {}']
    model.set_classes(model.class_names)
    assert category_cache_key(clip, model.class_tokens,
                              model.class_word_mask, head) != key
    model = build()
    with torch.no_grad():
        model.backbone.clip.ln_final.weight[0] += 1e-3
    assert category_cache_key(model.backbone.clip, model.class_tokens,
                              model.class_word_mask, head) != key
    model = build()
    model.cls_head.all_tokens = not model.cls_head.all_tokens
    assert category_cache_key(clip, model.class_tokens,
                              model.class_word_mask, model.cls_head) != key


def test_vision_weights_do_not_change_the_key():
    model = build()
    args = (model.class_tokens, model.class_word_mask, model.cls_head)
    key = category_cache_key(model.backbone.clip, *args)
    with torch.no_grad():
        model.backbone.clip.visual.conv1.weight.add_(1.0)
        model.backbone.clip.logit_scale.add_(1.0)
    assert category_cache_key(model.backbone.clip, *args) == key


@pytest.mark.parametrize('damage', ['corrupt', 'stale'])
def test_unusable_file_is_ignored_with_a_warning(tmp_path, monkeypatch,
                                                 damage):
    model = build()
    args = (model.backbone.clip, model.class_tokens, model.class_word_mask,
            model.cls_head)
    key = category_cache_key(*args)
    path = cache_file(str(tmp_path), key)
    with torch.no_grad():
        expected = model.encode_categories()
    if damage == 'corrupt':
        with open(path, 'wb') as file:
            file.write(b'not a checkpoint')
    else:  # a file of other classes where this key's file should be
        torch.save(dict(key='0' * 64, fields=[f * 0 for f in expected]),
                   path)
    calls = count_text_encodings(model, monkeypatch)
    with pytest.warns(UserWarning, match='ignored and rewritten'):
        got = load_or_encode(model.encode_categories, *args, str(tmp_path))
    assert len(calls) == 1
    torch.testing.assert_close(got.sentence, expected.sentence)
    # the rewritten file is valid
    reread = load_or_encode(model.encode_categories, *args, str(tmp_path))
    assert len(calls) == 1
    torch.testing.assert_close(reread.sentence, expected.sentence)
