from .full_res_crop import FullResCrop
from .load_attribute_sentence import LoadAttributeSentence
from .released_uniform_sample import ReleasedUniformSample
from .short_side_resize import ShortSideResize
from .trim_to_segment import TrimToSegment

__all__ = [
    'FullResCrop', 'LoadAttributeSentence', 'ReleasedUniformSample',
    'ShortSideResize', 'TrimToSegment'
]
