"""Test-time crops of the released BIKE code: center or full-resolution
three-crop."""
from typing import Dict, List

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


def crop_boxes(width: int, height: int, crop_size: int,
               num_crops: int) -> List[List[int]]:
    """The released code's crop boxes ``[x1, y1, x2, y2]`` in a
    ``width x height`` frame.

    One crop: the center, offsets rounded half to even (torchvision's
    ``CenterCrop``; mmaction's ``CenterCrop`` floors them). Three crops
    (``GroupFullResSample``): left, right and center, ``x`` at 0, 4 and 2
    steps of ``(width - crop_size) // 4`` and ``y`` at 2 steps of
    ``(height - crop_size) // 4``.
    """
    if num_crops == 1:
        offsets = [(int(round((width - crop_size) / 2.0)),
                    int(round((height - crop_size) / 2.0)))]
    else:
        x_step = (width - crop_size) // 4
        y = 2 * ((height - crop_size) // 4)
        offsets = [(0, y), (4 * x_step, y), (2 * x_step, y)]
    return [[x, y, x + crop_size, y + crop_size] for x, y in offsets]


@TRANSFORMS.register_module()
class FullResCrop(BaseTransform):
    """Square crops of every frame at the released code's test positions:
    ``num_crops=1`` the center crop (single view), ``num_crops=3`` the
    full-resolution left/right/center crops of the 4x3-views protocol.

    Frames come out crop-major (all frames of crop 0, then crop 1, ...), as
    with mmaction's ``ThreeCrop``, so each run of ``clip_len`` frames is one
    view.

    Required keys: ``imgs`` (list of ``H x W x C`` arrays, at least
    ``crop_size`` on each side).
    Modified keys: ``imgs``, ``img_shape``. Added keys: ``crop_bbox``
    (``num_crops x 4`` boxes ``[x1, y1, x2, y2]``).

    Args:
        crop_size (int): Side of the square crops.
        num_crops (int): 1 (center) or 3 (full-resolution). Defaults to 1.
    """

    def __init__(self, crop_size: int, num_crops: int = 1) -> None:
        if num_crops not in (1, 3):
            raise ValueError(f'num_crops must be 1 or 3, got {num_crops}')
        self.crop_size = crop_size
        self.num_crops = num_crops

    def transform(self, results: Dict) -> Dict:
        """Crop ``results['imgs']``; record the boxes in ``crop_bbox``."""
        height, width = results['imgs'][0].shape[:2]
        if min(height, width) < self.crop_size:
            raise ValueError(f'frames of {width}x{height} are smaller than '
                             f'the {self.crop_size}px crop')
        boxes = crop_boxes(width, height, self.crop_size, self.num_crops)
        results['imgs'] = [
            img[y1:y2, x1:x2] for x1, y1, x2, y2 in boxes
            for img in results['imgs']
        ]
        results['crop_bbox'] = np.array(boxes)
        results['img_shape'] = (self.crop_size, self.crop_size)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(crop_size={self.crop_size}, '
                f'num_crops={self.num_crops})')
