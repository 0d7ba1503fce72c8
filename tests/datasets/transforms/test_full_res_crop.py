"""FullResCrop takes the released code's test crops: torchvision's
CenterCrop for one view, GroupFullResSample's left/right/center crops for
three."""
import numpy as np
import pytest

from bike_mm.datasets import FullResCrop

SIZES = [(340, 256), (341, 256), (342, 256), (343, 256), (455, 256),
         (256, 340), (424, 256), (597, 336), (448, 336), (336, 336),
         (257, 256), (1000, 300)]


def released_boxes(width, height, crop, num_crops):
    """Boxes (x1, y1, x2, y2). One crop: offsets (size - crop) / 2 rounded
    half to even. Three crops: x steps of (width - crop) // 4 at 0, 4 and 2
    steps (left, right, center), y two steps of (height - crop) // 4."""
    if num_crops == 1:
        offsets = [(round((width - crop) / 2), round((height - crop) / 2))]
    else:
        dx, dy = (width - crop) // 4, (height - crop) // 4
        offsets = [(0, 2 * dy), (4 * dx, 2 * dy), (2 * dx, 2 * dy)]
    return [(x, y, x + crop, y + crop) for x, y in offsets]


@pytest.mark.parametrize('crop', [224, 256])
@pytest.mark.parametrize('num_crops', [1, 3])
def test_boxes_and_pixels_are_the_released_ones(crop, num_crops):
    rng = np.random.default_rng(0)
    for width, height in SIZES:
        if min(width, height) < crop:
            continue
        frames = [
            rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
            for _ in range(2)
        ]
        out = FullResCrop(crop, num_crops)(dict(imgs=list(frames)))
        boxes = released_boxes(width, height, crop, num_crops)
        assert out['crop_bbox'].tolist() == [list(b) for b in boxes]
        # crop-major: every frame of crop 0, then of crop 1, ...
        expected = [f[y1:y2, x1:x2] for x1, y1, x2, y2 in boxes
                    for f in frames]
        assert len(out['imgs']) == len(expected)
        for got, want in zip(out['imgs'], expected):
            assert np.array_equal(got, want)
        assert out['img_shape'] == (crop, crop)


def test_center_rounds_half_to_even():
    # (341 - 224) / 2 = 58.5 -> 58, (343 - 224) / 2 = 59.5 -> 60
    for width, left in ((341, 58), (343, 60)):
        out = FullResCrop(224)(
            dict(imgs=[np.zeros((256, width, 3), np.uint8)]))
        assert out['crop_bbox'][0].tolist() == [left, 16, left + 224, 240]


def test_small_frames_and_other_crop_counts_are_refused():
    with pytest.raises(ValueError, match='num_crops'):
        FullResCrop(224, num_crops=5)
    with pytest.raises(ValueError, match='smaller'):
        FullResCrop(224)(dict(imgs=[np.zeros((200, 300, 3), np.uint8)]))
