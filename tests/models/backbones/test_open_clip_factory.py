"""create_clip: architecture by name, weights by tag or file."""
import pytest

from bike_mm.models.backbones.open_clip_factory import (
    clip_arch_name,
    create_clip,
)


def test_builds_by_name_with_or_without_image_tower():
    full = create_clip('ViT-Tiny-16')
    assert full.visual is not None
    text_only = create_clip('ViT-Tiny-16', image_tower=False)
    assert text_only.visual is None
    assert not any(k.startswith('visual.') for k in text_only.state_dict())
    assert set(text_only.state_dict()) < set(full.state_dict())


def test_slash_spelling_is_the_open_clip_name():
    assert clip_arch_name('ViT-B/32') == 'ViT-B-32'


def test_unknown_tag_names_the_owner_and_the_tags():
    with pytest.raises(FileNotFoundError,
                       match=r"OpenCLIP\(arch='ViT-B-32'\): pretrained="
                       r"'no-such-tag' is neither .* \(tags: \[.*'openai'"):
        create_clip('ViT-B/32', 'no-such-tag', owner='OpenCLIP')
