"""open_clip's private parts that bike_mm relies on (all reached through
bike_mm.models.backbones.open_clip_adapter): their signatures and what they
compute. A failure here means open_clip changed them."""
import inspect

import open_clip
import torch
from open_clip.transformer import VisionTransformer, text_global_pool

from bike_mm.models.backbones.open_clip_adapter import (
    encode_text_tokens,
    has_classic_text_tower,
    is_class_token_vit,
    vision_pool,
    vision_tokens,
)


def tiny_clip():
    torch.manual_seed(0)
    return open_clip.create_model('ViT-Tiny-16', force_quick_gelu=True).eval()


def parameters(fn):
    return list(inspect.signature(fn).parameters)


def test_private_signatures():
    assert parameters(text_global_pool) == [
        'x', 'text', 'pool_type', 'eos_token_id']
    assert parameters(VisionTransformer._embeds) == ['self', 'x']
    assert parameters(VisionTransformer._pool) == ['self', 'x']
    clip = tiny_clip()
    for name in ('token_embedding', 'positional_embedding', 'attn_mask',
                 'ln_final', 'text_projection', 'text_pool_type'):
        assert hasattr(clip, name), name
    assert clip.transformer.get_cast_dtype() == torch.float32
    assert has_classic_text_tower(clip)
    assert is_class_token_vit(clip.visual)


def test_text_tokens_match_encode_text():
    clip = tiny_clip()
    tokens = open_clip.get_tokenizer('ViT-Tiny-16')(['a cat', 'playing golf'])
    with torch.no_grad():
        sentence, token_feats = encode_text_tokens(clip, tokens)
        expected = clip.encode_text(tokens)
    assert token_feats.shape == (2, 77, 64)
    torch.testing.assert_close(sentence, expected)
    # the sentence is the token embedding at the EOT token (argmax id)
    torch.testing.assert_close(
        sentence, token_feats[torch.arange(2), tokens.argmax(-1)])


def test_vision_blocks_between_stem_and_pool_match_encode_image():
    clip = tiny_clip()
    images = torch.randn(3, 3, 64, 64)
    with torch.no_grad():
        x = vision_tokens(clip.visual, images)
        assert x.shape == (3, 1 + 16, 64)  # class token + 4x4 patches
        for block in clip.visual.transformer.resblocks:
            x = block(x)
        pooled = vision_pool(clip.visual, x)
        expected = clip.encode_image(images)
    torch.testing.assert_close(pooled, expected)
