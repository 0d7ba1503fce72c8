from .attributes_head import AttributesHead
from .text4vis_head import Text4VisHead
from .text_conditioned_head import TextConditionedHead
from .vcs_head import VCSHead
from .xclip_head import XCLIPHead

__all__ = [
    'AttributesHead', 'Text4VisHead', 'TextConditionedHead', 'VCSHead',
    'XCLIPHead'
]
