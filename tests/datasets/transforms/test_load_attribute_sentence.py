"""LoadAttributeSentence: the attribute sentence and its tokens, missing
attributes."""
import open_clip
import pytest
import torch

from bike_mm.attributes import AttributeFile
from bike_mm.datasets import LoadAttributeSentence


@pytest.fixture
def attribute_file(tmp_path):
    path = str(tmp_path / 'attr.json')
    AttributeFile(
        dict(topk=3),
        {'train/a.mp4': dict(attributes=['run', 'jump', 'swim'],
                             scores=[0.3, 0.2, 0.1])}).dump(path)
    return path


def test_sentence_building_and_tokens(attribute_file):
    transform = LoadAttributeSentence(
        attribute_file, arch='ViT-Tiny-16', topk=2, template='Video of {}.',
        separator=' and ')
    results = transform(dict(filename='data/videos/train/a.mp4'))
    assert results['attribute_sentence'] == 'Video of run and jump.'
    expected = open_clip.get_tokenizer('ViT-Tiny-16')(
        ['Video of run and jump.'])[0]
    assert torch.equal(results['attribute_tokens'], expected)
    # released code: "This is a video about " + ",".join(top 5)
    released = LoadAttributeSentence(attribute_file, separator=',', topk=3)
    assert released.sentence(['run', 'jump', 'swim']) == \
        'This is a video about run,jump,swim'


def test_missing_attributes_error_or_fallback(attribute_file):
    with pytest.raises(KeyError, match='train/b.mp4'):
        LoadAttributeSentence(attribute_file, topk=3)(
            dict(filename='train/b.mp4'))
    transform = LoadAttributeSentence(
        attribute_file, topk=3, fallback=['a video'])
    results = transform(dict(filename='train/b.mp4'))
    assert results['attribute_sentence'] == 'This is a video about a video'
    transform(dict(filename='train/c.mp4'))
    transform(dict(filename='train/a.mp4'))
    assert transform.num_missing == 2
    with pytest.raises(ValueError, match='top 3'):
        LoadAttributeSentence(attribute_file, topk=5)
