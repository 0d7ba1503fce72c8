"""Short-side resize with the released BIKE code's size arithmetic."""
from typing import Dict, Tuple

import mmcv
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


def short_side_size(width: int, height: int,
                    short_side: int) -> Tuple[int, int]:
    """``(width, height)`` with the short side set to ``short_side`` and the
    long side scaled and truncated (torchvision's ``Resize(int)``, which the
    released code uses); mmaction's ``Resize`` rounds the long side
    instead, which moves the full-resolution crops by a pixel or more."""
    if width <= height:
        return short_side, int(short_side * height / width)
    return int(short_side * width / height), short_side


@TRANSFORMS.register_module()
class ShortSideResize(BaseTransform):
    """Resize every frame so that its short side is ``short_side`` pixels,
    keeping the aspect ratio as the released code does (``GroupScale``: long
    side truncated, bicubic by default).

    Required keys: ``imgs`` (list of ``H x W x C`` arrays).
    Modified keys: ``imgs``, ``img_shape``.

    Args:
        short_side (int): Short side after resizing (256 for 224 crops,
            336 for 336 crops in the released protocol).
        interpolation (str): mmcv interpolation. Defaults to ``'bicubic'``.
    """

    def __init__(self, short_side: int,
                 interpolation: str = 'bicubic') -> None:
        self.short_side = short_side
        self.interpolation = interpolation

    def transform(self, results: Dict) -> Dict:
        """Resize ``results['imgs']`` and update ``img_shape``."""
        height, width = results['imgs'][0].shape[:2]
        size = short_side_size(width, height, self.short_side)
        if size != (width, height):
            results['imgs'] = [
                mmcv.imresize(img, size, interpolation=self.interpolation)
                for img in results['imgs']
            ]
        results['img_shape'] = (size[1], size[0])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(short_side={self.short_side}, '
                f'interpolation={self.interpolation})')
