"""ShortSideResize sizes frames as the released code's GroupScale
(torchvision's Resize with an int size)."""
import numpy as np
import pytest
from PIL import Image
from torchvision import transforms

from bike_mm.datasets import ShortSideResize

SIZES = [(340, 256), (320, 240), (398, 240), (256, 340), (455, 256),
         (1280, 720), (720, 1280), (171, 128), (481, 361), (300, 300)]


@pytest.mark.parametrize('short_side', [256, 336])
def test_sizes_match_torchvision_resize(short_side):
    for width, height in SIZES:
        frames = [np.zeros((height, width, 3), np.uint8)] * 2
        out = ShortSideResize(short_side)(dict(imgs=frames))
        expected = transforms.Resize(short_side)(
            Image.new('RGB', (width, height))).size  # (w, h)
        assert [f.shape[:2] for f in out['imgs']] == [expected[::-1]] * 2
        assert out['img_shape'] == expected[::-1]
        assert min(expected) == short_side


def test_long_side_is_truncated_not_rounded():
    # 398 x 240 -> 424.53 x 256: released 424 (mmaction's Resize: 425)
    out = ShortSideResize(256)(
        dict(imgs=[np.zeros((240, 398, 3), np.uint8)]))
    assert out['img_shape'] == (256, 424)
