"""CrossFrameOpenCLIP: X-CLIP's cross-frame message tokens on open_clip's
ViT, patch tokens and the layers with frame interaction."""
import pytest
import torch
from mmaction.registry import MODELS


def cross_frame_clip(**kwargs):
    return MODELS.build(
        dict(type='CrossFrameOpenCLIP', arch='ViT-Tiny-16', **kwargs))


@pytest.fixture(scope='module')
def clips():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='OpenCLIP', arch='ViT-Tiny-16')).eval()
    messages = cross_frame_clip(
        frame_interaction=dict(type='CrossFrameMessage')).eval()
    # CLIP weights load unchanged: the message layers are the only extras
    missing, unexpected = messages.load_state_dict(
        plain.state_dict(), strict=False)
    assert not unexpected
    assert missing and all(k.startswith('frame_interactions.')
                           for k in missing)
    return plain, messages


def test_without_message_tokens_frames_are_plain_clip_features(clips):
    plain, _ = clips
    no_messages = cross_frame_clip().eval()
    no_messages.load_state_dict(plain.state_dict())
    frames = torch.randn(2, 3, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(
            no_messages.encode_frames(frames), plain.encode_frames(frames))


def test_message_tokens_carry_information_across_frames(clips):
    plain, messages = clips
    frames = torch.randn(2, 3, 3, 64, 64)
    changed = frames.clone()
    changed[:, 1:] = torch.randn_like(changed[:, 1:])  # frame 0 unchanged
    with torch.no_grad():
        before, after = (messages.encode_frames(x)[:, 0]
                         for x in (frames, changed))
        plain_before, plain_after = (plain.encode_frames(x)[:, 0]
                                     for x in (frames, changed))
    torch.testing.assert_close(plain_before, plain_after)
    assert not torch.allclose(before, after, atol=1e-4)
    # identical frames: every frame gets the same feature, as without video
    same = frames[:, :1].expand(-1, 3, -1, -1, -1)
    with torch.no_grad():
        out = messages.encode_frames(same)
    torch.testing.assert_close(out[:, 1], out[:, 0])


def test_patch_tokens_and_interaction_layers():
    backbone = cross_frame_clip(
        frame_interaction=dict(type='CrossFrameMessage'),
        interaction_layers=[1],
        patch_tokens=True)
    assert list(backbone.frame_interactions) == ['1']
    frames, patches = backbone.encode_frames(torch.randn(2, 3, 3, 64, 64))
    assert frames.shape == (2, 3, 64)
    assert patches.shape == (2, 3, 16, 64)  # 4x4 patches of width 64
    with pytest.raises(ValueError, match=r'interaction_layers \[5\]'):
        cross_frame_clip(frame_interaction=dict(type='CrossFrameMessage'),
                         interaction_layers=[5])
