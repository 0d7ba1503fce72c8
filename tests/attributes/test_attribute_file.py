"""Attribute files (bike_mm.attributes.attribute_file): the released BIKE
format and lookup by data_prefix-joined paths."""
import json

import pytest

from bike_mm.attributes import AttributeFile
from bike_mm.datasets import LoadAttributeSentence


def test_released_format_loads(tmp_path):
    path = tmp_path / 'K400_val_vit_L14_attributes.json'
    path.write_text(
        json.dumps({
            '--07WQ2iBlw': dict(classname_topk=['abseiling', 'rock climbing',
                                                'ice climbing', 'skiing',
                                                'hiking', 'bungee jumping']),
            'zumba/xyz': dict(classname_topk=['zumba'])
        }))
    loaded = AttributeFile.load(str(path))
    assert loaded.videos['zumba/xyz'] == dict(
        attributes=['zumba'], scores=None)
    # keys match data_prefix-joined paths, with or without extension
    assert loaded.lookup('/data/k400/val/--07WQ2iBlw.mp4')[0] == 'abseiling'
    assert loaded.lookup('/data/k400/zumba/xyz.mp4') == ['zumba']
    assert loaded.lookup('/data/k400/other/xyz.mp4') is None
    transform = LoadAttributeSentence(str(path), arch='ViT-B-32')
    results = transform(dict(filename='/data/val/--07WQ2iBlw.mp4'))
    assert results['attribute_sentence'] == (
        'This is a video about abseiling, rock climbing, ice climbing, '
        'skiing, hiking')

    path.write_text(json.dumps({'a.mp4': {'topk': ['x']}}))
    with pytest.raises(ValueError, match="'a.mp4'"):
        AttributeFile.load(str(path))
