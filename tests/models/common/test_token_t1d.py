"""TokenT1D frame interaction inside CrossFrameOpenCLIP."""
import torch
from mmaction.registry import MODELS


def test_token_t1d_identity_init_is_clip_and_shift_mixes_frames():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='OpenCLIP', arch='ViT-Tiny-16')).eval()
    frames = torch.randn(2, 4, 3, 64, 64)
    with torch.no_grad():
        reference = plain.encode_frames(frames)
        for init in ('identity', 'shift'):
            t1d = MODELS.build(
                dict(type='CrossFrameOpenCLIP', arch='ViT-Tiny-16',
                     frame_interaction=dict(type='TokenT1D', init=init)))
            t1d.clip.load_state_dict(plain.clip.state_dict())
            out = t1d.eval().encode_frames(frames)
            changed = frames.clone()
            changed[:, 1:] = torch.randn_like(changed[:, 1:])
            first = t1d.encode_frames(changed)[:, 0]
            if init == 'identity':
                torch.testing.assert_close(out, reference)
                torch.testing.assert_close(first, reference[:, 0])
            else:  # frame 0 reads frame 1 through the shifted channels
                assert not torch.allclose(first, out[:, 0], atol=1e-4)
